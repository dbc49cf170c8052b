"""The koppelrapport: what every run writes, whichever products it makes."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from ..outputs import OutputFolder


def write_report(out: OutputFolder, data, series=None) -> None:
    """The koppelrapport of every run, as text and as JSON: joins, registrations, column lineage,
    coverage, warnings, advice, geometry notes, the small-number rules, layouts and years."""
    stem = data.slug
    text = data.report_text() + ("\n\n" + series.report_text() if series is not None else "")
    out.write_text(f"{stem}_koppelrapport.txt", text + "\n")
    payload = {
        "koppelingen": [r.to_dict() for r in data.reports],
        "registraties": [s.to_dict() for s in data.registrations],
        "herkomst": [asdict(c) for c in data.columns],
        "dekking": {row.gemeentecode: (None if pd.isna(row.dekking) else float(row.dekking))
                    for row in data.gemeenten.itertuples(index=False)},
        "waarschuwingen": list(data.warnings),
        "adviezen": list(data.advice),
        "geometrie": list(data.geometry_notes),
        "kleine_aantallen": asdict(data.small_numbers),
        "indelingen": [layout.to_dict() for layout in data.layouts],
    }
    if series is not None:
        payload["jaren"] = series.to_dict()
    out.write_text(f"{stem}_koppelrapport.json", json.dumps(payload, ensure_ascii=False, indent=2))
