"""Regenerate the linked extracts of the fictional Voorbeeldstad in geodata/voorbeeldstad/gekoppeld/.

Synthetic households with support on several leefgebieden (Wmo and schuldhulp placed by buurtcode,
jeugdhulp by x/y, bijstand by postcode + huisnummer with an address table), keys that look like a
BSN (nine digits passing the elfproef, drawn at random: no real person's). The same seed always
gives the same files; the demo links them into stapeling per huishouden.
"""

from pathlib import Path

from sociale_kaart.sources.sample import linked_sample

GEODATA = Path(__file__).resolve().parent.parent / "geodata"

if __name__ == "__main__":
    specs, address_table = linked_sample(GEODATA, write=True)
    for spec in specs:
        print(f"{spec.area:<12} {spec.source}")
    print(f"{'adrestabel':<12} {address_table}")
