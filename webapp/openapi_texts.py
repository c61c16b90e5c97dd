"""The API document's texts (summaries, parameter and response descriptions) for the docs page.

``webapp/openapi.py`` keeps the OpenAPI document in English (what clients read); the
``/api/docs`` page shows each text in the reader's language through these msgids. A text
added to the document shows in English on the Japanese page until it is added here
(``tests/webapp/test_japanese_text.py`` checks the page).
"""

from __future__ import annotations

from parks.messages import N_

DOC_TEXTS: tuple[str, ...] = (
    N_("A filter or the page is invalid; every problem is listed."),
    N_(
        "A firm profile, or {profile, as_of, top, lang, speed_profile}. At most 64 KiB, nested at most 6 levels; NaN and Infinity are refused."
    ),
    N_("A lot id such as inaho/P2-1 (the slash may be sent as %2F)."),
    N_("A lot id."),
    N_("A page of GeoJSON lots with paging links."),
    N_("A park id."),
    N_("A query parameter is invalid."),
    N_("A query parameter was given (this endpoint takes none)."),
    N_("Any point in Kanazawa, LON,LAT. Give exactly one of lot, park, at."),
    N_("Areas within each number of minutes' drive of a point (assumed speeds)."),
    N_("Assumed speeds."),
    N_(
        "At a destination with direction=to, the bands stored by `siting build-access` are returned (precomputed: true)."
    ),
    N_("Date of the lot statuses (YYYY-MM-DD); default: as built / today."),
    N_("Every programme explained."),
    N_("GeoJSON parks."),
    N_("GeoJSON points."),
    N_("Grant estimate for a firm profile at a lot, a park or any point."),
    N_("HTML"),
    N_("Interchanges, port, airport and station used for drive times."),
    N_("Kanazawa City's industrial parks: lots, access, grants, matching."),
    N_("LON,LAT in EPSG:4326."),
    N_("Language of the explanations."),
    N_("Logged anonymously (no firm name) as demand."),
    N_(
        "Lot outlines are illustrative (no official lot plan is public); drive times rest on assumed speeds. Every error is JSON {error, problems}. Bodies are limited to 64 KiB."
    ),
    N_("Lots per page (default 500)."),
    N_("Lots to skip."),
    N_("Lots, filtered and paged (OGC API - Features style)."),
    N_("MINLON,MINLAT,MAXLON,MAXLAT (EPSG:4326): lots intersecting the box."),
    N_("No lot has this id."),
    N_("No lot or park has this id."),
    N_("One band per minutes."),
    N_("One lot with its status history."),
    N_("OpenAPI 3.1."),
    N_("Rank the lots that fit a firm profile, with near misses and grants."),
    N_("Ranked matches, near misses, planned."),
    N_("Results per list."),
    N_("Statuses to keep (repeat the parameter, or separate by commas)."),
    N_("The body is larger than 64 KiB."),
    N_("The body is not sent as application/json."),
    N_("The body or a parameter is invalid; every problem is listed."),
    N_("The five city-built parks: derived outlines and published facts."),
    N_("The lot as a GeoJSON Feature with ``events``."),
    N_("The point or the bands are invalid, or the point is off-road."),
    N_("This document as a readable page."),
    N_("This document."),
    N_("Up to 5 different bands, each above 0 and at most 60 (default 5,10,20)."),
    N_("from: where one can drive from the point; to: from where one reaches it."),
)
"""msgids of the texts of the API document."""

IN = {"query": N_("query"), "path": N_("path")}
"""Where a parameter is sent."""
