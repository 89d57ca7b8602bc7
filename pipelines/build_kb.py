#!/usr/bin/env python3
"""Build the Rawabit knowledge base (``kg/data/kb/*.jsonl``) and the role lexicon.

Usage (from the repository root)::

    python pipelines/build_kb.py [--sources ../shared/data/kb-sources] [--out kg/data]

Inputs
------
* ``--sources`` (default ``<repo>/../shared/data/kb-sources``): the open-data tables described in
  that folder's README.  Only these files are read:

  - ``derived/countries_ar_joined.csv`` (PDDL + MIT: country-codes, umpirsky/CLDR, econandrew
    Wikidata labels/aliases, ArWikiCats demonyms, 3neef nationality adjectives);
  - ``countries/datasets_country-codes.csv`` (PDDL): ISO <-> QID cross-check, English capital;
  - ``countries/econandrew_country_aliases.csv`` (MIT) filtered to ``language == "ar"``;
  - ``parties/partyfacts_wikidata.csv`` + ``partyfacts_wikipedia.csv`` (MIT);
  - ``igo/supraverden_igos_flat.csv`` (CC BY-SA 4.0) -> **only** ``organizations.jsonl``.

  The share-alike sources (supraverden) feed only ``organizations.jsonl``; stefangabos and mledoze
  are not read at all.

* ``pipelines/kb_curated/`` (hand-written YAML, our own data): roles, state overrides and press
  variants, capitals and cities, parties, organisations, people.

Outputs (all deterministic: sorted by id, fixed key order, UTF-8, ``ensure_ascii=False``, written
atomically through a temporary file + ``os.replace``)::

    <out>/kb/states.jsonl places.jsonl parties.jsonl organizations.jsonl people.jsonl
    <out>/kb/README.md  <out>/kb/LICENSES/*
    <out>/lexicons/roles.jsonl

Alias policy: within one entity type no two entities may share a normalized name (label, alias
or nisba).  Collisions are resolved by rank (label/curated < ArWikiCats/official < Wikidata
aliases/3neef): the single best-ranked owner keeps the name, the others lose it; when two sources
of equal rank disagree the name is dropped from both (it is ambiguous).  A collision between two
curated names is an error.  ``short_ar`` (one-word person names such as كيم) is exempt: it is
ambiguous on purpose and the linker uses it only once the full name has appeared in the document
or when it is unique in the KB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import yaml

REPO = Path(__file__).resolve().parents[1]
CURATED = REPO / "pipelines" / "kb_curated"
DEFAULT_SOURCES = REPO.parent / "shared" / "data" / "kb-sources"
DEFAULT_OUT = REPO / "kg" / "data"

sys.path.insert(0, str(REPO))
try:  # the project's matching normalisation (kg/text/normalize.py)
    from kg.text.normalize import normalize as _project_normalize
except Exception:  # pragma: no cover - fallback while the text layer is being written
    _project_normalize = None

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"})


def norm(text: str) -> str:
    """Matching form of a name: the project normaliser when importable, else a local equivalent."""
    if _project_normalize is not None:
        out = _project_normalize(text)
    else:
        out = _DIACRITICS.sub("", unicodedata.normalize("NFKC", text)).translate(_FOLD)
    return " ".join(out.split())


ARABIC_LETTERS = re.compile(r"^[\u0621-\u064a\u0660-\u0669\u064b-\u0652\u0670\s\-'\"()0-9]+$")
PERSIAN_ONLY = re.compile("[پچژگڤڭۀەڵۆێ]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
TYPES_FILES = {
    "STATE": "states.jsonl",
    "PLACE": "places.jsonl",
    "PARTY": "parties.jsonl",
    "ORG": "organizations.jsonl",
    "PERSON": "people.jsonl",
}
KEY_ORDER = [
    "id", "type", "qid", "label_ar", "label_en", "aliases_ar", "aliases_en", "short_ar", "nisba_ar",
    "iso2", "iso3", "un_member", "capital", "capital_of", "country", "kind", "founded", "dissolved",
    "gender", "positions", "sources",
]
# rank of a name: lower wins a collision
R_CURATED, R_OFFICIAL, R_WIKIDATA, R_WEAK = 0, 1, 2, 3


class BuildError(Exception):
    pass


# ----------------------------------------------------------------------------- helpers
def slugify(text: str) -> str:
    text = re.sub(r"['’`]", "", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clean_ar(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub("[\u200e\u200f\u202a-\u202e\ufeff]", "", text)
    text = text.replace("\u0640", "")  # tatweel
    return " ".join(text.split())


def usable_ar(text: str) -> bool:
    """An Arabic-script name without Persian/Kurdish letters, brackets or list punctuation."""
    return bool(text) and bool(ARABIC_LETTERS.match(text)) and not PERSIAN_ONLY.search(text) \
        and "(" not in text and " - " not in text and len(norm(text)) >= 2


def iso_date(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise BuildError(f"{where}: bad date {value!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Names:
    """Ordered Arabic names of one entity with a rank per name (for collision resolution)."""

    def __init__(self) -> None:
        self.items: dict[str, int] = {}  # exact text -> rank

    def add(self, text: str | None, rank: int) -> None:
        text = clean_ar(text or "")
        if not text:
            return
        if text not in self.items or rank < self.items[text]:
            self.items[text] = rank

    def remove_norm(self, n: str) -> None:
        for t in [t for t in self.items if norm(t) == n]:
            del self.items[t]

    def texts(self) -> list[str]:
        return sorted(self.items)


class Rec:
    """An entity under construction."""

    def __init__(self, id_: str, type_: str, label_ar: str, **fields: Any) -> None:
        if not SLUG.match(id_):
            raise BuildError(f"bad id {id_!r}")
        self.id, self.type = id_, type_
        self.label_ar = clean_ar(label_ar)
        self.aliases = Names()
        self.nisba = Names()
        self.fields: dict[str, Any] = fields
        self.sources: set[str] = set()

    def to_json(self) -> dict[str, Any]:
        label_n = norm(self.label_ar)
        rec: dict[str, Any] = {
            "id": self.id, "type": self.type, "qid": self.fields.get("qid"),
            "label_ar": self.label_ar, "label_en": self.fields.get("label_en"),
            "aliases_ar": [a for a in self.aliases.texts() if a != self.label_ar],
            "aliases_en": sorted(set(self.fields.get("aliases_en") or [])),
        }
        # drop aliases that only repeat the label up to normalisation? keep: they are spelling variants
        _ = label_n
        if self.type == "PERSON":
            rec["short_ar"] = sorted(set(self.fields.get("short_ar") or []))
        if self.type == "STATE":
            rec["nisba_ar"] = self.nisba.texts()
        for k in ("iso2", "iso3", "un_member", "capital", "capital_of", "country", "kind", "founded",
                  "dissolved", "gender", "positions"):
            if k in self.fields:
                rec[k] = self.fields[k]
        rec["sources"] = sorted(self.sources)
        return {k: rec[k] for k in KEY_ORDER if k in rec}


# ----------------------------------------------------------------------------- nisba forms
def _with_article(phrase: str) -> str:
    return " ".join(w if w.startswith("ال") else "ال" + w for w in phrase.split())


def _map_words(phrase: str, fn) -> str:
    return " ".join(fn(w) for w in phrase.split())


def nisba_forms(m: str, f: str = "", m_pl: str = "", f_pl: str = "") -> list[str]:
    """All forms of a nisba adjective from its masculine singular (and given irregular plurals).

    روسي -> روسي روسية روسيون روسيين روسيات + definite forms (+ given broken plural روس الروس).
    Multi-word nisbas (كوري شمالي) are inflected word by word.
    """
    m = clean_ar(m)
    if not m:
        return []
    ends_i = all(w.endswith("ي") for w in m.split())
    forms: set[str] = {m}
    if f:
        forms.add(clean_ar(f))
    if ends_i:
        forms.add(_map_words(m, lambda w: w + "ة"))
        forms.add(_map_words(m, lambda w: w + "ون"))
        forms.add(_map_words(m, lambda w: w + "ين"))
        forms.add(_map_words(m, lambda w: w + "ات"))
        forms.add(_map_words(m, lambda w: w + "ّ"))  # shadda spelling روسيّ (normalises to روسي)
    for extra in (m_pl, f_pl):
        if extra:
            forms.add(clean_ar(extra))
    out = set(forms)
    for x in forms:
        out.add(_with_article(x))
    return sorted(x for x in out if x)


# ----------------------------------------------------------------------------- states
def build_states(src: Path, cur: dict, recs: dict[str, Rec], log: list[str]) -> None:
    joined = read_csv(src / "derived" / "countries_ar_joined.csv")
    codes = {r["ISO3166-1-Alpha-2"]: r for r in read_csv(src / "countries" / "datasets_country-codes.csv")
             if r.get("ISO3166-1-Alpha-2")}
    econ: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read_csv(src / "countries" / "econandrew_country_aliases.csv"):
        if r["language"] == "ar":
            econ[r["iso2c"]].append((r["label"], r["label_type"]))
    overrides: dict[str, dict] = cur["states"]["states"]
    drop_global = {norm(x) for x in cur["states"].get("drop_aliases_everywhere", [])}
    observers = set(cur["states"].get("non_member_states", []))

    for row in joined:
        iso2 = row["iso2"]
        ov = overrides.get(iso2, {}) or {}
        independent = row["is_independent"] == "Yes"
        if not (independent or iso2 in observers or ov.get("include")):
            continue
        qid = row["qid"]
        cc = codes.get(iso2)
        if cc is not None:
            cc_qid = (cc.get("wikidata_id") or "").rstrip("/").rsplit("/", 1)[-1]
            if cc_qid and cc_qid != qid:
                raise BuildError(f"{iso2}: QID mismatch {qid} vs country-codes {cc_qid}")
        id_ = ov.get("id") or slugify(row["name_en_cldr"])
        label = ov.get("label_ar") or row["ar_cldr"]
        if not usable_ar(label):
            label = row["ar_wikidata_label"]
        rec = Rec(id_, "STATE", label, qid=qid, label_en=ov.get("label_en") or row["name_en_cldr"],
                  iso2=iso2, iso3=row["iso3"], un_member=independent and iso2 not in observers)
        rec.fields["aliases_en"] = sorted({row["name_en"], row["name_en_cldr"], *(ov.get("aliases_en") or [])}
                                          - {rec.fields["label_en"]})
        rec.sources |= {"datasets/country-codes (PDDL-1.0)", "kb-sources derived/countries_ar_joined.csv"}
        drop = {norm(x) for x in ov.get("drop_aliases", [])} | drop_global
        for col, rank in (("ar_un_short", R_OFFICIAL), ("ar_un_formal", R_OFFICIAL),
                          ("ar_official_name", R_OFFICIAL), ("ar_cldr", R_OFFICIAL),
                          ("ar_wikidata_label", R_WIKIDATA)):
            val = clean_ar(row[col])
            if usable_ar(val) and norm(val) not in drop:
                rec.aliases.add(val, rank)
        wd_aliases = [a for a in row["ar_wikidata_aliases"].split("|") if a]
        wd_aliases += [lab for lab, _t in econ.get(iso2, [])]
        for a in wd_aliases:
            a = clean_ar(a)
            if usable_ar(a) and norm(a) not in drop:
                rec.aliases.add(a, R_WIKIDATA)
        if row["ar_cldr"]:
            rec.sources.add("umpirsky/country-list CLDR names (MIT; CLDR data Unicode licence)")
        if wd_aliases:
            rec.sources.add("econandrew/sparql_queries Wikidata labels (MIT; Wikidata CC0)")
        # nisba forms: ArWikiCats (six forms) > 3neef (masc. sg. only, some errors)
        if row["demonym_ar_m"] and not ov.get("drop_arwikicats_nisba"):
            for form in nisba_forms(row["demonym_ar_m"], row["demonym_ar_f"], row["demonym_ar_m_pl"],
                                    row["demonym_ar_f_pl"]):
                rec.nisba.add(form, R_OFFICIAL)
            rec.sources.add("ArWikiCats nationalities (MIT)")
        n3 = clean_ar(row["nationality_ar_3neef"])
        if n3 and usable_ar(n3) and norm(n3) not in {norm(x) for x in ov.get("drop_nisba", [])} \
                and norm(n3) != norm(label) and all(w.endswith("ي") for w in n3.split()):
            for form in nisba_forms(n3):
                rec.nisba.add(form, R_WEAK)
            rec.sources.add("3neef/Laravel-nationalites (MIT)")
        apply_state_curation(rec, ov)
        if id_ in recs:
            raise BuildError(f"duplicate id {id_}")
        recs[id_] = rec

    for extra in cur["states"].get("extra_states", []):
        rec = Rec(extra["id"], "STATE", extra["label_ar"], qid=extra.get("qid"), label_en=extra["en"],
                  iso2=extra.get("iso2"), iso3=extra.get("iso3"), un_member=False)
        rec.fields["aliases_en"] = extra.get("aliases_en", [])
        if extra.get("historical"):
            rec.fields["dissolved"] = iso_date(extra.get("dissolved"), extra["id"])
        rec.sources.add("curated (pipelines/kb_curated/states.yaml)")
        apply_state_curation(rec, extra)
        if rec.id in recs:
            raise BuildError(f"duplicate id {rec.id}")
        recs[rec.id] = rec
    n_un = sum(1 for r in recs.values() if r.type == "STATE" and r.fields.get("un_member"))
    log.append(f"states: {sum(1 for r in recs.values() if r.type == 'STATE')} ({n_un} UN members)")


def apply_state_curation(rec: Rec, ov: dict) -> None:
    for a in ov.get("aliases_ar", []) or []:
        rec.aliases.add(a, R_CURATED)
    for spec in ov.get("nisba", []) or []:
        if isinstance(spec, str):
            spec = {"m": spec}
        for form in nisba_forms(spec["m"], spec.get("f", ""), spec.get("m_pl", ""), spec.get("f_pl", "")):
            rec.nisba.add(form, R_CURATED)
    for x in ov.get("drop_nisba", []) or []:
        rec.nisba.remove_norm(norm(x))
        rec.nisba.remove_norm(norm(_with_article(x)))
    if ov.get("capital"):
        rec.fields["capital"] = ov["capital"]
    if ov:
        rec.sources.add("curated (pipelines/kb_curated/states.yaml)")


# ----------------------------------------------------------------------------- places
def build_places(cur: dict, recs: dict[str, Rec], log: list[str]) -> None:
    by_iso = {r.fields.get("iso2"): r for r in recs.values() if r.type == "STATE" and r.fields.get("iso2")}
    n = 0
    for p in cur["places"]["places"]:
        country = p.get("country")
        if country and len(country) == 2 and country.isupper():
            if country not in by_iso:
                raise BuildError(f"place {p['id']}: unknown ISO country {country}")
            country = by_iso[country].id
        rec = Rec(p["id"], "PLACE", p["ar"], qid=p.get("qid"), label_en=p["en"], country=country)
        if p.get("capital"):
            rec.fields["capital_of"] = country
            state = recs.get(country)
            if state is None:
                raise BuildError(f"place {p['id']}: capital of unknown state {country}")
            if "capital" in state.fields and state.fields["capital"] != rec.id:
                raise BuildError(f"{country} has two capitals: {state.fields['capital']} and {rec.id}")
            state.fields["capital"] = rec.id
        else:
            rec.fields["capital_of"] = None
        rec.fields["aliases_en"] = p.get("aliases_en", [])
        for a in p.get("aliases", []) or []:
            rec.aliases.add(a, R_CURATED)
        rec.sources.add("curated (pipelines/kb_curated/places.yaml)")
        if rec.id in recs:
            raise BuildError(f"duplicate id {rec.id}")
        recs[rec.id] = rec
        n += 1
    for r in recs.values():
        if r.type == "STATE":
            r.fields.setdefault("capital", None)
    log.append(f"places: {n}")


# ----------------------------------------------------------------------------- parties
def build_parties(src: Path, cur: dict, recs: dict[str, Rec], log: list[str]) -> None:
    pf_rows = read_csv(src / "parties" / "partyfacts_wikidata.csv")
    pf = {r["partyfacts_id"]: r for r in pf_rows}
    wiki = {r["partyfacts_id"]: r for r in read_csv(src / "parties" / "partyfacts_wikipedia.csv")}
    by_iso3 = {r.fields.get("iso3"): r.id for r in recs.values() if r.type == "STATE" and r.fields.get("iso3")}
    cfg = cur["parties"]
    exclude = {str(x) for x in cfg.get("exclude_partyfacts_ids", [])}
    used_pf: set[str] = set()
    used_qid: set[str] = set()
    n_cur = n_auto = 0

    def pf_fields(rec: Rec, pid: str) -> None:
        row = pf[pid]
        w = wiki.get(pid, {})
        if row["wikidata_id"]:
            rec.fields["qid"] = row["wikidata_id"]
        rec.fields["founded"] = w.get("year_founded") or None
        rec.fields["dissolved"] = w.get("year_dissolved") or None
        rec.fields.setdefault("label_en", row["name"])
        en = {row["name"]}
        if row["name_short"] and re.match(r"^[A-Za-z0-9\-]+$", row["name_short"]):
            en.add(row["name_short"])
        rec.fields["aliases_en"] = sorted(set(rec.fields.get("aliases_en") or []) | en - {rec.fields["label_en"]})
        rec.sources.add(f"Party Facts {pid} (MIT)")

    for p in cfg["parties"]:
        country = p.get("country")
        rec = Rec(p["id"], "PARTY", p["ar"], qid=None, label_en=p["en"], country=country)
        rec.fields["aliases_en"] = p.get("aliases_en", [])
        for a in p.get("aliases", []) or []:
            rec.aliases.add(a, R_CURATED)
        pid = p.get("partyfacts")
        if pid is not None:
            pid = str(pid)
            if pid not in pf:
                raise BuildError(f"party {p['id']}: Party Facts id {pid} not in source")
            row = pf[pid]
            state = by_iso3.get(row["country"])
            if country and state and state != country and not p.get("pf_country_differs"):
                raise BuildError(f"party {p['id']}: Party Facts row {pid} is in {row['country']}, not {country}")
            pf_fields(rec, pid)
            native = clean_ar(row["name_native"])
            if usable_ar(native):
                rec.aliases.add(native, R_OFFICIAL)
            used_pf.add(pid)
        else:
            rec.fields["founded"] = None
            rec.fields["dissolved"] = None
        for x in p.get("drop_aliases", []) or []:  # e.g. a native name that is a common word (فتح)
            rec.aliases.remove_norm(norm(x))
        if p.get("qid"):  # a curated QID (only where Party Facts has none and we are sure)
            rec.fields["qid"] = p["qid"]
        if rec.fields.get("qid"):
            used_qid.add(rec.fields["qid"])
        rec.sources.add("curated (pipelines/kb_curated/parties.yaml)")
        if rec.id in recs:
            raise BuildError(f"duplicate id {rec.id}")
        recs[rec.id] = rec
        n_cur += 1

    # automatic import: Arab-world parties whose native name is Arabic
    arab = set(cfg.get("auto_import_countries", []))
    taken_labels = {norm(r.label_ar) for r in recs.values() if r.type == "PARTY"}
    for r in recs.values():
        if r.type == "PARTY":
            taken_labels |= {norm(a) for a in r.aliases.items}
    for row in sorted(pf_rows, key=lambda r: int(r["partyfacts_id"])):
        pid = row["partyfacts_id"]
        if row["country"] not in arab or pid in used_pf or pid in exclude:
            continue
        native = clean_ar(row["name_native"])
        native = re.sub(r"\s*[-–]\s*[^\s]+$", "", native) if re.search(r"\s[-–]\s", native) else native
        if not usable_ar(native) or not row["wikidata_id"] or row["wikidata_id"] in used_qid:
            continue
        if norm(native) in taken_labels:
            log.append(f"parties: skipped Party Facts {pid} {row['name']!r}: name {native} already taken")
            continue
        state = by_iso3.get(row["country"])
        base = slugify(row["name"])
        id_ = base if base not in recs else f"{base}-{slugify(row['country'])}"
        if id_ in recs:
            id_ = f"{base}-{pid}"
        rec = Rec(id_, "PARTY", native, qid=None, label_en=row["name"], country=state)
        pf_fields(rec, pid)
        recs[id_] = rec
        used_qid.add(rec.fields["qid"])
        taken_labels.add(norm(native))
        n_auto += 1
    log.append(f"parties: {n_cur} curated + {n_auto} imported from Party Facts")


# ----------------------------------------------------------------------------- organisations
def build_orgs(src: Path, cur: dict, recs: dict[str, Rec], log: list[str]) -> None:
    igos = {r["qid"]: r for r in read_csv(src / "igo" / "supraverden_igos_flat.csv") if r.get("qid")}
    n = 0
    for o in cur["organizations"]["organizations"]:
        rec = Rec(o["id"], "ORG", o["ar"], qid=o.get("qid"), label_en=o["en"], country=o.get("country"),
                  kind=o.get("kind", "igo"))
        en = set(o.get("aliases_en", []) or [])
        for a in o.get("aliases", []) or []:
            rec.aliases.add(a, R_CURATED)
        if o.get("igo_qid") or o.get("qid"):
            q = o.get("igo_qid") or o["qid"]
            row = igos.get(q)
            if row is None:
                if o.get("igo_qid"):
                    raise BuildError(f"org {o['id']}: {q} not in supraverden")
            else:
                rec.fields["qid"] = q
                if row["name_en"] and row["name_en"] != o["en"]:
                    en.add(row["name_en"])
                if row["abbreviation_en"] and re.match(r"^[A-Za-z\-]+$", row["abbreviation_en"]):
                    en.add(row["abbreviation_en"])
                if usable_ar(clean_ar(row["name_ar"])):
                    rec.aliases.add(row["name_ar"], R_OFFICIAL)
                rec.fields["founded"] = row["year_established"] or None
                rec.sources.add(f"supraverden {row['key']} (CC BY-SA 4.0)")
        rec.fields["aliases_en"] = sorted(en - {o["en"]})
        rec.sources.add("curated (pipelines/kb_curated/organizations.yaml)")
        if rec.id in recs:
            raise BuildError(f"duplicate id {rec.id}")
        recs[rec.id] = rec
        n += 1
    log.append(f"organizations: {n}")


# ----------------------------------------------------------------------------- people
def build_people(cur_dir: Path, roles: dict, recs: dict[str, Rec], log: list[str]) -> None:
    n = 0
    for path in sorted((cur_dir / "people").glob("*.yaml")):
        for p in read_yaml(path) or []:
            where = f"{path.name}:{p.get('id')}"
            for k in ("id", "en", "ar", "country"):
                if not p.get(k):
                    raise BuildError(f"{where}: missing {k}")
            if p.get("gender") not in ("m", "f", None):
                raise BuildError(f"{where}: gender must be m or f")
            positions = []
            for pos in p.get("positions", []) or []:
                if isinstance(pos, list):
                    if len(pos) != 4:
                        raise BuildError(f"{where}: position {pos} must be [role, of, start, end]")
                    pos = dict(zip(("role", "of", "start", "end"), pos))
                if pos["role"] not in roles:
                    raise BuildError(f"{where}: unknown role {pos['role']}")
                start = iso_date(pos.get("start"), where)
                end = iso_date(pos.get("end"), where)
                if start and end and end < start:
                    raise BuildError(f"{where}: position ends before it starts: {pos}")
                positions.append({"role": pos["role"], "of": pos["of"], "start": start, "end": end})
            positions.sort(key=lambda x: (x["start"] or "", x["role"], x["of"]))
            qid = p.get("qid")
            if qid is not None and not re.match(r"^Q[1-9]\d*$", str(qid)):
                raise BuildError(f"{where}: bad qid {qid}")
            rec = Rec(p["id"], "PERSON", p["ar"], qid=qid, label_en=p["en"], country=p["country"],
                      gender=p.get("gender"), positions=positions)
            rec.fields["aliases_en"] = p.get("aliases_en", [])
            rec.fields["short_ar"] = [clean_ar(s) for s in p.get("short", []) or []]
            for a in p.get("aliases", []) or []:
                rec.aliases.add(a, R_CURATED)
            rec.sources.add(f"curated (pipelines/kb_curated/people/{path.name})")
            if rec.id in recs:
                raise BuildError(f"duplicate id {rec.id}")
            recs[rec.id] = rec
            n += 1
    log.append(f"people: {n}")


# ----------------------------------------------------------------------------- checks
def resolve_collisions(recs: dict[str, Rec], log: list[str]) -> None:
    """One normalized name -> one entity per type (see the module docstring)."""
    for type_ in TYPES_FILES:
        owners: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # norm -> (rank, id, field)
        for r in recs.values():
            if r.type != type_:
                continue
            seen: dict[str, int] = {}
            seen[norm(r.label_ar)] = -1
            for names in (r.aliases, r.nisba):
                for t, rank in names.items.items():
                    n = norm(t)
                    seen[n] = min(seen.get(n, rank), rank)
            for n, rank in seen.items():
                owners[n].append((rank, r.id, ""))
        for n, lst in sorted(owners.items()):
            if len({i for _r, i, _f in lst}) < 2:
                continue
            lst.sort()
            best = lst[0][0]
            winners = [i for rank, i, _f in lst if rank == best]
            if len(winners) > 1:
                if best <= R_CURATED:
                    raise BuildError(f"{type_}: name {n!r} is curated for {winners}")
                losers = [i for _r, i, _f in lst]
                log.append(f"collision {type_} {n!r}: dropped from {', '.join(sorted(losers))} (ambiguous)")
            else:
                losers = [i for _r, i, _f in lst[1:]]
                log.append(f"collision {type_} {n!r}: kept for {winners[0]}, dropped from {', '.join(sorted(losers))}")
            for i in losers:
                if norm(recs[i].label_ar) == n:
                    raise BuildError(f"{type_}: label of {i} ({n!r}) collides with {winners}")
                recs[i].aliases.remove_norm(n)
                recs[i].nisba.remove_norm(n)


def validate(recs: dict[str, Rec], roles: dict) -> None:
    for r in recs.values():
        f = r.fields
        for key in ("country", "capital", "capital_of"):
            if f.get(key) and f[key] not in recs:
                raise BuildError(f"{r.id}: {key} {f[key]!r} is not an entity id")
        for pos in f.get("positions", []) or []:
            if pos["of"] not in recs:
                raise BuildError(f"{r.id}: position of unknown entity {pos['of']!r}")
        if f.get("qid") and not re.match(r"^Q[1-9]\d*$", f["qid"]):
            raise BuildError(f"{r.id}: bad qid {f['qid']}")
        if not r.label_ar:
            raise BuildError(f"{r.id}: empty label_ar")
    qids: dict[str, str] = {}
    for r in sorted(recs.values(), key=lambda r: r.id):
        q = r.fields.get("qid")
        if q:
            if q in qids:
                raise BuildError(f"QID {q} used by {qids[q]} and {r.id}")
            qids[q] = r.id


# ----------------------------------------------------------------------------- roles
def build_roles(cur: dict) -> list[dict]:
    out = []
    seen: dict[str, str] = {}
    for r in cur["roles"]["roles"]:
        ar = sorted({clean_ar(a) for a in r["ar"]})
        for a in ar:
            if norm(a) in seen and seen[norm(a)] != r["id"]:
                raise BuildError(f"role form {a} in {seen[norm(a)]} and {r['id']}")
            seen[norm(a)] = r["id"]
        rec = {"id": r["id"], "en": r["en"], "ar": ar, "head_of_state": bool(r.get("head_of_state", False)),
               "head_of_government": bool(r.get("head_of_government", False))}
        if r.get("applies_to"):
            rec["applies_to"] = r["applies_to"]
        out.append(rec)
    return sorted(out, key=lambda x: x["id"])


# ----------------------------------------------------------------------------- output
def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def jsonl(records: Iterable[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


LICENSE_FILES = {
    "datasets-country-codes_ODC-PDDL-1.0.txt": "datasets/country-codes",
    "umpirsky-country-list_MIT.txt": "umpirsky/country-list",
    "econandrew-sparql_queries_MIT.txt": "econandrew/sparql_queries",
    "ArWikiCats_MIT-statement.txt": "ArWikiCats/ArWikiCats",
    "3neef-Laravel-nationalites_MIT.md": "3neef/Laravel-nationalites",
    "hdigital-partyfactsdata_MIT.md": "hdigital/partyfactsdata",
    "confirmordeny-supraverden_CC-BY-SA-4.0.md": "confirmordeny/supraverden",
    "openeventdata-UniversalPetrarch_MIT.txt": "openeventdata/UniversalPetrarch",
}


def readme(counts: dict[str, int], n_roles: int, cur_text: str) -> str:
    return cur_text.format(
        n_states=counts["STATE"], n_places=counts["PLACE"], n_parties=counts["PARTY"],
        n_orgs=counts["ORG"], n_people=counts["PERSON"], n_total=sum(counts.values()), n_roles=n_roles,
        n_un=counts["UN"],
    )


def build(sources: Path, out: Path, curated: Path = CURATED, verbose: bool = False) -> dict[str, int]:
    if not sources.is_dir():
        raise BuildError(f"sources folder not found: {sources}")
    cur = {name: read_yaml(curated / f"{name}.yaml")
           for name in ("roles", "states", "places", "parties", "organizations")}
    roles = build_roles(cur)
    role_ids = {r["id"] for r in roles}
    recs: dict[str, Rec] = {}
    log: list[str] = []
    build_states(sources, cur, recs, log)
    build_places(cur, recs, log)
    build_parties(sources, cur, recs, log)
    build_orgs(sources, cur, recs, log)
    build_people(curated, role_ids, recs, log)
    resolve_collisions(recs, log)
    validate(recs, role_ids)
    if verbose:
        print("\n".join(log), file=sys.stderr)

    counts = {t: 0 for t in TYPES_FILES}
    kb = out / "kb"
    for type_, fname in TYPES_FILES.items():
        rows = [r.to_json() for r in sorted(recs.values(), key=lambda r: r.id) if r.type == type_]
        counts[type_] = len(rows)
        atomic_write(kb / fname, jsonl(rows))
    counts["UN"] = sum(1 for r in recs.values() if r.type == "STATE" and r.fields.get("un_member"))
    atomic_write(out / "lexicons" / "roles.jsonl", jsonl(roles))
    for fname in sorted(LICENSE_FILES):
        atomic_write(kb / "LICENSES" / fname, (sources / "LICENSES" / fname).read_bytes())
    template = (curated / "README.template.md").read_text(encoding="utf-8")
    atomic_write(kb / "README.md", readme(counts, len(roles), template).encode("utf-8"))
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="kb-sources folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="data root to write kb/ and lexicons/roles.jsonl into (default kg/data)")
    ap.add_argument("--curated", type=Path, default=CURATED, help=argparse.SUPPRESS)
    ap.add_argument("-v", "--verbose", action="store_true", help="print the build log (collisions, skips)")
    args = ap.parse_args(argv)
    try:
        counts = build(args.sources.resolve(), args.out.resolve(), args.curated, args.verbose)
    except BuildError as exc:
        print(f"build_kb: error: {exc}", file=sys.stderr)
        return 1
    total = sum(v for k, v in counts.items() if k != "UN")
    print(f"build_kb: wrote {total} entities to {args.out}/kb "
          + " ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
