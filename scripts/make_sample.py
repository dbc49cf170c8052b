"""Regenerate the fictional sample gemeente Voorbeeldstad in geodata/voorbeeldstad/.

The target is the checkout's own ``geodata/`` folder (beside this script's folder), so that the
script never depends on where the package is installed. tests/sources/test_sample.py checks that the
bundled files are exactly what this script writes.
"""

from pathlib import Path

from sociale_kaart.sources.sample import write_sample

GEODATA = Path(__file__).resolve().parent.parent / "geodata"

if __name__ == "__main__":
    for key, path in write_sample(GEODATA).items():
        print(f"{key:<13} {path}")
