"""Regenerate the fictional sample gemeente Voorbeeldstad in geodata/voorbeeldstad/."""

from sociale_kaart.sample import write_sample

if __name__ == "__main__":
    for key, path in write_sample().items():
        print(f"{key:<13} {path}")
