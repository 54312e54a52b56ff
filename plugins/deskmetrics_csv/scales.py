"""NPS answers collected on 0–100, mapped onto the 0–10 scale NPS is defined on."""

from __future__ import annotations

from typing import Any


def map_nps(data: dict[str, Any], nps_scale: int) -> tuple[str, str] | None:
    """Maps an NPS row's score from 0–``nps_scale`` onto 0–10 (score × 10 / nps_scale, unrounded,
    so 90–100 are promoters and 0–60 detractors).

    Returns the field and why the row cannot be mapped, or None.

    Rows of other kinds, and every row when ``nps_scale`` is 10, are left as they are.
    """
    if nps_scale == 10 or str(data.get("kind")) != "nps":
        return None
    for name, expected in (("scale_min", 0), ("scale_max", nps_scale)):
        declared = data.get(name)
        if declared is not None and declared != expected:
            return name, (
                f"{name} {declared:g} disagrees with nps_scale = {nps_scale} (leave scale_min "
                f"and scale_max empty, or set them to 0 and {nps_scale})"
            )
    data["scale_min"], data["scale_max"] = 0.0, 10.0
    score = data.get("score")
    if score is None:
        return None
    if not 0 <= score <= nps_scale:
        return "score", f"NPS score {score:g} is outside 0–{nps_scale} (nps_scale = {nps_scale})"
    data["score"] = score * 10 / nps_scale
    return None
