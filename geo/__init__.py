"""Generic GIS helpers: CRS, I/O, validation, road networks. No Kanazawa words here."""
