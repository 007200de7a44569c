#!/usr/bin/python3
"""The PyTorch peer of a shipped sglens network: the same architecture in
its inference form (batch norms folded into the convolutions, the others as
per-channel affine maps), on CPU with one thread, timed at batch 1 and
batch 64 on random input of the model's shape.

    python3 bench/torch_peer.py [--input 48] [--bands 3] [--stem 16] [--stem-kernel 5]
                                [--stages 16:1,32:1d,64:1d,128:1d] [--outputs 1] [--seconds 5]

The defaults are the shipped ground finder (models/sglens-finder-ground-v2.sgw);
bench/bench_model.c times the sglens engine on the model file itself.
"""
import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn


class Affine(nn.Module):
    """A batch norm after a residual add, as inference runs it: x * scale + shift."""

    def __init__(self, c):
        super().__init__()
        self.scale = nn.Parameter(torch.randn(1, c, 1, 1) * 0.1 + 1)
        self.shift = nn.Parameter(torch.randn(1, c, 1, 1) * 0.1)

    def forward(self, x):
        return x * self.scale + self.shift


class Unit(nn.Module):
    """Pre-activation residual unit: affine, ELU, conv3x3 (+folded BN), ELU, conv3x3, plus shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.pre = Affine(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.proj = nn.Conv2d(cin, cout, 1, stride, 0) if stride != 1 or cin != cout else None

    def forward(self, x):
        a = F.elu(self.pre(x))
        h = self.conv2(F.elu(self.conv1(a)))
        return h + (self.proj(a) if self.proj is not None else x)


class Net(nn.Module):
    def __init__(self, bands, stem, kernel, stages, outputs):
        super().__init__()
        self.stem = nn.Conv2d(bands, stem, kernel, 1, kernel // 2)
        units, c = [], stem
        for channels, n, down in stages:
            for u in range(n):
                units.append(Unit(c, channels, 2 if u == 0 and down else 1))
                c = channels
        self.units = nn.Sequential(*units)
        self.head = Affine(c)
        self.dense = nn.Linear(c, outputs)

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 2, ceil_mode=True)
        x = F.elu(self.head(self.units(x)))
        return self.dense(x.mean(dim=(2, 3)))


def parse_stages(text):
    out = []
    for part in text.split(","):
        c, rest = part.split(":")
        down = rest.endswith("d")
        out.append((int(c), int(rest.rstrip("d")), down))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", type=int, default=48)
    p.add_argument("--bands", type=int, default=3)
    p.add_argument("--stem", type=int, default=16)
    p.add_argument("--stem-kernel", type=int, default=5)
    p.add_argument("--stages", default="16:1,32:1d,64:1d,128:1d")
    p.add_argument("--outputs", type=int, default=1)
    p.add_argument("--seconds", type=float, default=5)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    net = Net(a.bands, a.stem, a.stem_kernel, parse_stages(a.stages), a.outputs).eval()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, "
          f"input {a.bands}x{a.input}x{a.input}, stages {a.stages}")
    with torch.inference_mode():
        for batch in (1, 64):
            x = torch.randn(batch, a.bands, a.input, a.input)
            for _ in range(3):
                net(x)
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < a.seconds:
                net(x)
                n += 1
            dt = time.perf_counter() - t0
            print(f"batch {batch:3d}: {n * batch / dt:9.1f} stamps/s ({dt / n * 1e3:.3f} ms per pass)")


if __name__ == "__main__":
    main()
