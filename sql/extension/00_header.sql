-- sglens: strong gravitational lens finding, modelling and simulation.
-- This file is generated from sql/extension/*.sql by make; edit those.

\echo Use "CREATE EXTENSION sglens CASCADE" to load this file. \quit
