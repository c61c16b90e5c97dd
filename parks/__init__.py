"""The domain: Kanazawa's industrial parks, their lots, access, grants and matching."""
