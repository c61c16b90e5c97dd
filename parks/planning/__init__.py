"""The planner's workspace: assess an area, labour shed, city-wide suitability, vacancy.

Public entry points:

- :func:`~parks.planning.area.area_from_upload`, :func:`~parks.planning.area.area_from_geojson`
  — check a drawn or uploaded area;
- :func:`~parks.planning.assess.assess_area` — assess it;
- :func:`~parks.planning.labour.labour_shed` — residents within 10/20/30 minutes' drive;
- :func:`~parks.planning.suitability.suitability` — the city-wide suitability map;
- :func:`~parks.planning.vacancy.vacancy` — sold share, absorption, forecasts, unmet demand;
- :func:`~parks.planning.layers.add_layer` — load a DEM, hazard or zoning layer;
- :func:`~parks.planning.data.load_planning` — the planner's data (census, land cover).
"""
