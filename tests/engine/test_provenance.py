"""tumen.engine.provenance: grouped inputs carry one hash over all their files; the full record."""

import hashlib

from tumen.engine import provenance


def _row(path, sha):
    return {
        "path": path,
        "sha256": sha,
        "kind": "reference",
        "licence": "PD",
        "source": "Natural Earth",
        "notebooks": ["route_to_depot"],
    }


def test_group_hash_covers_every_member():
    """Two shapefiles that share one member (.prj) still get different group hashes."""
    a = [_row("geo/a.shp", "1" * 64), _row("geo/a.prj", "f" * 64)]
    b = [_row("geo/b.shp", "2" * 64), _row("geo/b.prj", "f" * 64)]
    rows = provenance.group_parts(a + b)
    assert [r["path"] for r in rows] == ["geo/a.{prj,shp}", "geo/b.{prj,shp}"]
    assert rows[0]["sha256"] != rows[1]["sha256"]
    assert rows[0]["files"] == 2
    # `sha256sum geo/a.{prj,shp} | sha256sum` prints the same hash
    listing = f"{'f' * 64}  geo/a.prj\n{'1' * 64}  geo/a.shp\n"
    assert rows[0]["sha256"] == hashlib.sha256(listing.encode()).hexdigest()


def test_group_hash_changes_when_any_member_changes():
    base = [_row("geo/a.shp", "1" * 64), _row("geo/a.dbf", "2" * 64), _row("geo/a.prj", "3" * 64)]
    first = provenance.group_parts(base)[0]["sha256"]
    for i in range(3):
        changed = [dict(r) for r in base]
        changed[i]["sha256"] = "9" * 64
        assert provenance.group_parts(changed)[0]["sha256"] != first


def test_single_files_keep_their_own_hash():
    rows = provenance.group_parts([_row("data/sites.csv", "a" * 64)])
    assert rows == [dict(_row("data/sites.csv", "a" * 64), files=1)]
