"""Data tests for the knowledge base files (kg/data/kb/*.jsonl, kg/data/lexicons/roles.jsonl).

Schema of every record, referential integrity, uniqueness of ids and of normalized names per type,
coverage (UN members, nisba forms, known QIDs) and that the build script is deterministic.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from kg.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "kg" / "data"
KB = DATA / "kb"
ROLES = DATA / "lexicons" / "roles.jsonl"
SOURCES = Path(os.environ.get("RAWABIT_SHARED", ROOT.parent / "shared")) / "data" / "kb-sources"
FILES = {
    "states.jsonl": "STATE",
    "places.jsonl": "PLACE",
    "parties.jsonl": "PARTY",
    "organizations.jsonl": "ORG",
    "people.jsonl": "PERSON",
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9]\d*$")
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
ARABIC = re.compile("[\u0621-\u064a]")


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict]]:
    return {name: _read(KB / name) for name in FILES}


@pytest.fixture(scope="module")
def all_records(records) -> list[dict]:
    return [r for rows in records.values() for r in rows]


@pytest.fixture(scope="module")
def by_id(all_records) -> dict[str, dict]:
    return {r["id"]: r for r in all_records}


@pytest.fixture(scope="module")
def roles() -> dict[str, dict]:
    return {r["id"]: r for r in _read(ROLES)}


# --------------------------------------------------------------------------- schema
def _str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() == x and x for x in value)


def test_files_exist_sorted_and_typed(records):
    for name, type_ in FILES.items():
        rows = records[name]
        assert rows, name
        ids = [r["id"] for r in rows]
        assert ids == sorted(ids), f"{name} not sorted by id"
        assert {r["type"] for r in rows} == {type_}, name


def test_common_schema(all_records):
    for r in all_records:
        where = r.get("id")
        for key in ("id", "type", "qid", "label_ar", "label_en", "aliases_ar", "aliases_en", "sources"):
            assert key in r, f"{where}: missing {key}"
        assert SLUG.match(r["id"]), where
        assert r["qid"] is None or QID.match(r["qid"]), where
        assert isinstance(r["label_ar"], str) and ARABIC.search(r["label_ar"]), where
        assert isinstance(r["label_en"], str) and r["label_en"], where
        assert _str_list(r["aliases_ar"]) and _str_list(r["aliases_en"]), where
        assert all(ARABIC.search(a) for a in r["aliases_ar"]), where
        assert r["label_ar"] not in r["aliases_ar"], where
        assert _str_list(r["sources"]) and r["sources"], where


def test_type_specific_schema(records, by_id):
    for r in records["states.jsonl"]:
        assert _str_list(r["nisba_ar"]), r["id"]
        assert r["iso2"] is None or re.match(r"^[A-Z]{2}$", r["iso2"]), r["id"]
        assert isinstance(r["un_member"], bool), r["id"]
        assert r["capital"] is None or by_id[r["capital"]]["type"] == "PLACE", r["id"]
        if r["capital"]:
            assert by_id[r["capital"]]["capital_of"] == r["id"], r["id"]
    for r in records["places.jsonl"]:
        assert r["country"] is None or by_id[r["country"]]["type"] == "STATE", r["id"]
        assert r["capital_of"] is None or by_id[r["capital_of"]]["capital"] == r["id"], r["id"]
    for name in ("parties.jsonl", "organizations.jsonl"):
        for r in records[name]:
            assert "country" in r, r["id"]
            assert r["country"] is None or by_id[r["country"]]["type"] == "STATE", r["id"]
    for r in records["people.jsonl"]:
        assert _str_list(r["short_ar"]), r["id"]
        assert by_id[r["country"]]["type"] == "STATE", r["id"]
        assert r["gender"] in ("m", "f"), r["id"]
        assert isinstance(r["positions"], list), r["id"]


def test_positions(records, by_id, roles):
    n = 0
    for r in records["people.jsonl"]:
        for pos in r["positions"]:
            n += 1
            assert set(pos) == {"role", "of", "start", "end"}, r["id"]
            assert pos["role"] in roles, (r["id"], pos)
            assert pos["of"] in by_id, (r["id"], pos)
            assert by_id[pos["of"]]["type"] in ("STATE", "PARTY", "ORG", "PLACE"), (r["id"], pos)
            for k in ("start", "end"):
                assert pos[k] is None or DATE.match(pos[k]), (r["id"], pos)
            if pos["start"] and pos["end"]:
                assert pos["end"] >= pos["start"], (r["id"], pos)
    assert n >= 500


def test_roles_lexicon(roles):
    expected = {
        "president", "prime-minister", "foreign-minister", "defence-minister", "king", "crown-prince", "emir",
        "sultan", "supreme-leader", "general-secretary", "secretary-general", "chairman", "speaker",
        "vice-president", "deputy-prime-minister", "ambassador", "minister", "premier", "chancellor", "leader",
    }
    assert expected <= set(roles)
    seen: dict[str, str] = {}
    for r in roles.values():
        assert SLUG.match(r["id"]) and r["en"] and _str_list(r["ar"])
        for a in r["ar"]:
            assert seen.setdefault(normalize(a), r["id"]) == r["id"], f"{a} in two roles"
    forms = {normalize(a) for r in roles.values() for a in r["ar"]}
    for a in ("رئيس", "الرئيس", "رئيسة", "وزير الخارجية", "وزيرة الخارجية", "رئيس الوزراء", "رئيس الحكومة",
              "العاهل", "الملك", "ولي العهد", "المرشد الأعلى", "الأمين العام", "وزير الدفاع"):
        assert normalize(a) in forms, a
    assert roles["president"]["head_of_state"] is True


# --------------------------------------------------------------------------- uniqueness
def test_ids_unique_across_files(all_records):
    ids = [r["id"] for r in all_records]
    assert len(ids) == len(set(ids))


def test_qids_unique(all_records):
    qids = [r["qid"] for r in all_records if r["qid"]]
    assert len(qids) == len(set(qids))


def test_at_least_800_entities(all_records):
    assert len(all_records) >= 800


def test_no_duplicate_normalized_names_within_type(all_records):
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in all_records:
        for name in [r["label_ar"], *r["aliases_ar"], *r.get("nisba_ar", [])]:
            owners[(r["type"], " ".join(normalize(name).split()))].add(r["id"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, sorted(clashes.items())[:10]


# --------------------------------------------------------------------------- coverage
def test_all_un_members_present_with_qids(records):
    states = records["states.jsonl"]
    members = [s for s in states if s["un_member"]]
    assert len(members) == 193
    assert all(s["qid"] and s["iso2"] for s in members)
    # cross-check against the sources when they are available
    joined = SOURCES / "derived" / "countries_ar_joined.csv"
    if joined.exists():
        with joined.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        expected = {r["qid"] for r in rows if r["is_independent"] == "Yes"} - {"Q237", "Q865"}  # Holy See, Taiwan
        assert expected == {s["qid"] for s in members}
    observers = {s["id"] for s in states if not s["un_member"]}
    assert {"palestine", "holy-see"} <= observers


@pytest.mark.parametrize("entity_id,qid", [
    ("russia", "Q159"), ("china", "Q148"), ("north-korea", "Q423"), ("south-korea", "Q884"), ("usa", "Q30"),
    ("egypt", "Q79"), ("saudi-arabia", "Q851"), ("iran", "Q794"), ("turkey", "Q43"), ("japan", "Q17"),
    ("palestine", "Q219060"), ("namibia", "Q1030"), ("soviet-union", "Q15180"),
    ("vladimir-putin", "Q7747"), ("kim-jong-un", "Q56226"), ("xi-jinping", "Q15031"), ("donald-trump", "Q22686"),
    ("joe-biden", "Q6279"), ("recep-tayyip-erdogan", "Q39723"), ("emmanuel-macron", "Q3052772"),
    ("united-nations", "Q1065"), ("arab-league", "Q7172"), ("nato", "Q7184"), ("european-union", "Q458"),
    ("moscow", "Q649"), ("communist-party-of-china", "Q17427"),
])
def test_known_qids(by_id, entity_id, qid):
    assert by_id[entity_id]["qid"] == qid


def _names(r: dict) -> set[str]:
    return {normalize(n) for n in [r["label_ar"], *r["aliases_ar"], *r.get("nisba_ar", []), *r.get("short_ar", [])]}


@pytest.mark.parametrize("form,state", [
    ("الروسي", "russia"), ("الروسية", "russia"), ("الروس", "russia"), ("روسيون", "russia"), ("روسيات", "russia"),
    ("الأمريكي", "usa"), ("الأميركي", "usa"), ("الأمريكية", "usa"), ("الأميركيون", "usa"),
    ("الكوري الشمالي", "north-korea"), ("الكورية الشمالية", "north-korea"), ("كوري جنوبي", "south-korea"),
    ("الصيني", "china"), ("المصرية", "egypt"), ("السعوديون", "saudi-arabia"), ("التركي", "turkey"),
    ("الأتراك", "turkey"), ("الإيرانية", "iran"), ("السوري", "syria"), ("اللاوسي", "laos"), ("الفيتنامي", "vietnam"),
    ("السوفيتي", "soviet-union"), ("السوفياتية", "soviet-union"), ("البريطانية", "uk"), ("الفلسطيني", "palestine"),
])
def test_nisba_coverage(by_id, form, state):
    assert normalize(form) in {normalize(n) for n in by_id[state]["nisba_ar"]}


@pytest.mark.parametrize("name,entity_id", [
    ("أمريكا", "usa"), ("أميركا", "usa"), ("الولايات المتحدة الأميركية", "usa"), ("روسيا الاتحادية", "russia"),
    ("الاتحاد الروسي", "russia"), ("كوريا الديمقراطية", "north-korea"), ("جمهورية كوريا الديمقراطية الشعبية", "north-korea"),
    ("كوريا الشعبية الديمقراطية", "north-korea"), ("السعودية", "saudi-arabia"), ("المملكة العربية السعودية", "saudi-arabia"),
    ("دولة الإمارات", "uae"), ("بريطانيا", "uk"), ("المملكة المتحدة", "uk"), ("سورية", "syria"), ("سوريا", "syria"),
    ("الجمهورية الإسلامية الإيرانية", "iran"), ("تركية", "turkey"), ("جمهورية الصين الشعبية", "china"),
    ("الاتحاد السوفييتي", "soviet-union"), ("جمهورية لاوس الديمقراطية الشعبية", "laos"),
    ("بيونغيانغ", "pyongyang"), ("بيونغ يانغ", "pyongyang"), ("فلاديفستوك", "vladivostok"), ("واشنطون", "washington-dc"),
    ("حزب العمل الكوري", "workers-party-of-korea"), ("حزب العمال الكوري", "workers-party-of-korea"),
    ("روسيا الموحدة", "united-russia"), ("الحزب الشيوعي الصيني", "communist-party-of-china"),
    ("الحزب الثوري الشعبي اللاوسي", "lao-peoples-revolutionary-party"), ("حركة حماس", "hamas"), ("حزب الله", "hezbollah"),
    ("وكالة الأنباء المركزية الكورية", "kcna"), ("مجلس الدوما", "state-duma"), ("الأمم المتحدة", "united-nations"),
    ("جامعة الدول العربية", "arab-league"), ("مجلس التعاون الخليجي", "gcc"), ("الاتحاد الأفريقي", "african-union"),
    ("كيم جونغ أون", "kim-jong-un"), ("كيم جونغ وون", "kim-jong-un"), ("كيم يونج أون", "kim-jong-un"),
    ("كيم جون أون", "kim-jong-un"), ("رجب طيب إردوغان", "recep-tayyip-erdogan"), ("دونالد ترمب", "donald-trump"),
    ("فلاديمير بوتين", "vladimir-putin"), ("شي جين بينغ", "xi-jinping"), ("سيرغي لافروف", "sergey-lavrov"),
])
def test_press_variants(by_id, name, entity_id):
    assert normalize(name) in _names(by_id[entity_id])


def test_short_forms(by_id):
    assert "بوتين" in by_id["vladimir-putin"]["short_ar"]
    assert "كيم" in by_id["kim-jong-un"]["short_ar"]
    assert "ماكرون" in by_id["emmanuel-macron"]["short_ar"]


def test_people_coverage(records, by_id):
    people = records["people.jsonl"]
    assert len(people) >= 300

    def holders(role: str, of: str) -> set[str]:
        return {p["id"] for p in people for pos in p["positions"] if pos["role"] == role and pos["of"] == of}

    for state in ("russia", "china", "usa", "uk", "france", "north-korea", "south-korea", "iran", "turkey", "egypt",
                  "saudi-arabia", "japan", "germany", "india", "israel"):
        assert holders("foreign-minister", state), state
    assert "sergey-lavrov" in holders("foreign-minister", "russia")
    assert "antonio-guterres" in holders("secretary-general", "united-nations")
    current = [pos for pos in by_id["vladimir-putin"]["positions"] if pos["role"] == "president" and pos["end"] is None]
    assert current and current[0]["start"] == "2012-05-07"


def test_readme_and_licences():
    readme = (KB / "README.md").read_text(encoding="utf-8")
    for name in FILES:
        assert name in readme
    assert "CC BY-SA 4.0" in readme
    licences = {p.name for p in (KB / "LICENSES").iterdir()}
    assert "confirmordeny-supraverden_CC-BY-SA-4.0.md" in licences
    assert "hdigital-partyfactsdata_MIT.md" in licences


# --------------------------------------------------------------------------- determinism
def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.skipif(not SOURCES.is_dir(), reason="kb-sources not available")
def test_build_is_deterministic_and_matches_committed(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        env = dict(os.environ, PYTHONHASHSEED=str(i + 1))
        proc = subprocess.run(
            [sys.executable, str(ROOT / "pipelines" / "build_kb.py"), "--sources", str(SOURCES), "--out", str(out)],
            capture_output=True, text=True, env=env, cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(_digest(out))
    assert outs[0] == outs[1]
    assert not [k for k in outs[0] if k.endswith(".tmp")]
    committed = _digest(DATA)
    for rel, digest in outs[0].items():
        assert committed.get(rel) == digest, f"{rel} differs from the committed file: re-run pipelines/build_kb.py"
