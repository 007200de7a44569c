/*
 * plot_font.c — a 5 × 7 bitmap font drawn for the plots of this library:
 * each glyph is seven rows of five cells, top row first, '#' for ink.
 */
#include <string.h>

#include "plot_internal.h"

typedef struct glyph
{
	char		ch;
	const char *rows;			/* 35 cells, row by row */
} glyph;

static const glyph font[] = {
	{' ', "..................................."},
	{'A', ".###.#...##...#######...##...##...#"},
	{'B', "####.#...##...#####.#...##...#####."},
	{'C', ".###.#...##....#....#....#...#.###."},
	{'D', "####.#...##...##...##...##...#####."},
	{'E', "######....#....####.#....#....#####"},
	{'F', "######....#....####.#....#....#...."},
	{'G', ".###.#...##....#.####...##...#.####"},
	{'H', "#...##...##...#######...##...##...#"},
	{'I', ".###...#....#....#....#....#...###."},
	{'J', "..###...#....#....#....##..#..##..."},
	{'K', "#...##..#.#.#..##...#.#..#..#.#...#"},
	{'L', "#....#....#....#....#....#....#####"},
	{'M', "#...###.###.#.##.#.##...##...##...#"},
	{'N', "#...##...###..##.#.##..###...##...#"},
	{'O', ".###.#...##...##...##...##...#.###."},
	{'P', "####.#...##...#####.#....#....#...."},
	{'Q', ".###.#...##...##...##.#.##..#..##.#"},
	{'R', "####.#...##...#####.#.#..#..#.#...#"},
	{'S', ".#####....#.....###.....#....#####."},
	{'T', "#####..#....#....#....#....#....#.."},
	{'U', "#...##...##...##...##...##...#.###."},
	{'V', "#...##...##...#.#.#..#.#...#....#.."},
	{'W', "#...##...##...##.#.##.#.##.#.#.#.#."},
	{'X', "#...##...#.#.#...#...#.#.#...##...#"},
	{'Y', "#...##...#.#.#...#....#....#....#.."},
	{'Z', "#####....#...#...#...#...#....#####"},
	{'0', ".###.#...##..###.#.###..##...#.###."},
	{'1', "..#...##....#....#....#....#...###."},
	{'2', ".###.#...#....#...#...#...#...#####"},
	{'3', "#####...#...#.....#.....##...#.###."},
	{'4', "...#...##..#.#.#..#.#####...#....#."},
	{'5', "######....####.....#....##...#.###."},
	{'6', "..##..#...#....####.#...##...#.###."},
	{'7', "#####....#...#...#...#....#....#..."},
	{'8', ".###.#...##...#.###.#...##...#.###."},
	{'9', ".###.#...##...#.####....#...#..##.."},
	{'-', "...............#####..............."},
	{'.', "..........................##...##.."},
	{',', ".....................##....#...#..."},
	{':', "......##...##........##...##......."},
	{'=', "..........#####.....#####.........."},
	{'(', "...#...#...#....#....#.....#.....#."},
	{')', ".#.....#.....#....#....#...#...#..."},
	{'/', ".........#...#...#...#...#........."},
	{'_', "..............................#####"},
	{'+', ".......#....#..#####..#....#......."},
	{'%', "##...##..#...#...#...#...#..##...##"},
	{'?', ".###.#...#....#...#...#.........#.."},
	{'\'', "..#....#...#......................."},
	{'*', ".......#..#.#.#.###.#.#.#..#......."},
};

/* The glyph of a character (lower case as upper case, unknown as '?'). */
static const char *
find_glyph(char ch)
{
	const char *unknown = NULL;

	if (ch >= 'a' && ch <= 'z')
		ch = (char) (ch - 'a' + 'A');
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
	{
		if (font[i].ch == ch)
			return font[i].rows;
		if (font[i].ch == '?')
			unknown = font[i].rows;
	}
	return unknown;
}

/* Width in pixels of text drawn at the given scale. */
int
sg_canvas_text_width(const char *text, int scale)
{
	size_t		n = strlen(text);

	return n == 0 ? 0 : (int) n * SG_PLOT_ADVANCE * scale - scale;
}

/* Draw text with its bottom-left corner at (x, y). */
void
sg_canvas_text(sg_canvas *c, int x, int y, const char *text, int scale,
			   sg_rgb colour)
{
	for (; *text; text++, x += SG_PLOT_ADVANCE * scale)
	{
		const char *g = find_glyph(*text);

		for (int r = 0; r < SG_PLOT_GLYPH_H; r++)
			for (int k = 0; k < SG_PLOT_GLYPH_W; k++)
				if (g[r * SG_PLOT_GLYPH_W + k] == '#')
				{
					int			px = x + k * scale,
								py = y + (SG_PLOT_GLYPH_H - 1 - r) * scale;

					sg_canvas_rect(c, px, py, px + scale - 1, py + scale - 1, colour);
				}
	}
}

/* Draw text rotated anticlockwise: glyph tops face left, lines read upwards. */
void
sg_canvas_text_up(sg_canvas *c, int x, int y, const char *text, int scale,
				  sg_rgb colour)
{
	for (; *text; text++, y += SG_PLOT_ADVANCE * scale)
	{
		const char *g = find_glyph(*text);

		for (int r = 0; r < SG_PLOT_GLYPH_H; r++)
			for (int k = 0; k < SG_PLOT_GLYPH_W; k++)
				if (g[r * SG_PLOT_GLYPH_W + k] == '#')
				{
					int			px = x + r * scale,
								py = y + k * scale;

					sg_canvas_rect(c, px, py, px + scale - 1, py + scale - 1, colour);
				}
	}
}
