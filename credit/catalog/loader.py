"""The rules catalog: dated, referenced data in rules/, loaded by a strict validator.

A catalog is a set of versions, each in force from ``effective_from`` until its ``effective_to``
(or until the next version starts). Unknown keys, duplicate keys, impossible dates, overlapping
versions, a rule without a legal reference or for an unknown subject kind are refused, each with
its file, line and reason.

A version file either states the whole version or names the version it is ``based_on`` and states
only what differs: its own ``version``, ``title`` and dates, any setting it changes, and under
``rules`` the fields it changes of a rule named by its ``code`` (a code the base lacks is a new
rule and needs every field). Either way it loads as the whole version, so a history of versions
that differ in a few citations stays a few lines a version.

A version used for assessments is frozen (``credit.catalog.services.register_version``): what
makes a score (settings, grades, tiers, codes, kinds, points, caps, windows, ``serious``) never
changes in place; a new dated version does that. Only the ``ERRATA_FIELDS`` of a rule may still be
corrected in place: its legal ``reference`` and what a record of the type may be entered with
(``category``, ``categories``, ``evidence_required``). None of them enters a score.

Records decided before the first version are accepted and entered under the first version; they
count from its ``effective_from`` while their window lasts. Only an assessment as of a date before
the first version is refused (``NoCatalogInForce``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from credit.dates import add_years
from credit.errors import InvalidInput
from credit.subjects.models import SUBJECT_KINDS
from credit.records.models import CATEGORIES

RULE_KINDS = tuple(SUBJECT_KINDS) + ("all",)


class CatalogProblem(Exception):
    """One or more problems in catalog files; ``str()`` lists them as ``file:line: reason``."""

    def __init__(self, problems: list[tuple[str, int | None, str]]):
        self.problems = problems
        super().__init__("\n".join(self.format(p) for p in problems))

    @staticmethod
    def format(problem: tuple[str, int | None, str]) -> str:
        path, line, reason = problem
        return f"{path}:{line}: {reason}" if line else f"{path}: {reason}"


class NoCatalogInForce(InvalidInput):
    """An assessment was asked for a date that no catalog version covers (a 400 page, exit status 1)."""


# ---------------------------------------------------------------------------------------------
# Schema


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class GradeBand(Strict):
    grade: str
    # A score gets the first band (highest first) whose bound it meets.
    above: int | None = None
    at_least: int | None = None

    @model_validator(mode="after")
    def one_bound(self):
        if (self.above is None) == (self.at_least is None):
            raise ValueError("a grade band needs exactly one of 'above' or 'at_least' / 每个等级须且仅须给出 above 或 at_least")
        return self

    def matches(self, score: int) -> bool:
        return score > self.above if self.above is not None else score >= self.at_least


class TierSpec(Strict):
    tier: str
    label: str
    grades: list[str]
    inspection_share: float = Field(ge=0, le=1)
    measures: str = ""


# A rule's legal reference names the instrument (《…》), or says that the rule is the bureau's own
# baseline choice where no national text in force covers it (〔基准〕).
LOCAL_BASELINE = "〔基准〕"


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"unknown IP category {value!r} (expected one of {', '.join(CATEGORIES)}) / 未知的知识产权类别")
    return value


class RuleSpec(Strict):
    code: str = Field(pattern=r"^[A-Z]+(-[A-Z]+)+$")
    kind: str
    # The category a record of this type gets when none is given, and every category it may carry
    # (default: that one only). A trademark-agency rule recorded as a patent matter is refused.
    category: str
    categories: tuple[str, ...] = ()
    behaviour: str = Field(min_length=1)
    points: int
    cap: int | None = None
    window_years: int = Field(ge=1, le=10)
    serious: bool = False
    reference: str = Field(min_length=1)
    # A record of this type is neither saved from the form nor confirmed without an evidence file;
    # an imported one needs its decision document number (the sender keeps the file).
    evidence_required: bool = False

    @model_validator(mode="before")
    @classmethod
    def categories_default_to_category(cls, data):
        if isinstance(data, dict) and not data.get("categories") and data.get("category") is not None:
            data = {**data, "categories": [data["category"]]}
        return data

    @field_validator("kind")
    @classmethod
    def known_kind(cls, value):
        if value not in RULE_KINDS:
            raise ValueError(f"unknown subject kind {value!r} (expected one of {', '.join(RULE_KINDS)}) / 未知的主体类型")
        return value

    @field_validator("category")
    @classmethod
    def known_category(cls, value):
        return _known_category(value)

    @field_validator("categories")
    @classmethod
    def known_categories(cls, value):
        for category in value:
            _known_category(category)
        if len(set(value)) != len(value):
            raise ValueError("a category is listed twice / 知识产权类别重复")
        return value

    @field_validator("reference")
    @classmethod
    def real_reference(cls, value):
        if not value.strip():
            raise ValueError("a rule needs its legal reference / 规则须注明法律依据")
        if "《" not in value and not value.startswith(LOCAL_BASELINE):
            raise ValueError(f"a reference names its instrument (《…》) or starts with {LOCAL_BASELINE} for the "
                             f"bureau's own baseline choice / 法律依据须写明文件名称（《…》），本局基准选择以“{LOCAL_BASELINE}”开头")
        return value

    @model_validator(mode="after")
    def cap_has_sign_of_points(self):
        if self.points == 0:
            raise ValueError("points must not be 0 / 分值不能为 0")
        if self.cap is not None and (self.cap * self.points <= 0 or abs(self.cap) < abs(self.points)):
            raise ValueError("cap must have the sign of points and be at least one record's points / 上限须与分值同号且不小于单条分值")
        if self.category not in self.categories:
            raise ValueError(f"categories must include the default category {self.category!r} / "
                             "可选的知识产权类别须包含默认类别")
        return self

    @property
    def is_bonus(self) -> bool:
        return self.points > 0

    def applies_to(self, subject_kind: str) -> bool:
        return self.kind in ("all", subject_kind)

    def window_end(self, decision_date: dt.date) -> dt.date:
        """First day the record no longer counts; a window ending on 29 February ends on the 28th."""
        return add_years(decision_date, self.window_years)

    def cutoff(self, as_of: dt.date) -> dt.date:
        """Records decided after this date are still inside their window on ``as_of``.

        ``window_end`` is monotone in the decision date, so "counts on as_of" is exactly
        ``decision_date > cutoff``; the set-based SQL uses this bound.
        """
        candidate = add_years(as_of, -self.window_years)
        while self.window_end(candidate) > as_of:
            candidate -= dt.timedelta(days=1)
        while self.window_end(candidate + dt.timedelta(days=1)) <= as_of:
            candidate += dt.timedelta(days=1)
        return candidate


class CatalogVersionSpec(Strict):
    version: str = Field(min_length=1, max_length=40)
    title: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    base_score: int
    score_floor: int = 0
    bonus_total_cap: int = Field(ge=0)
    listing_candidate_below: int
    grades: list[GradeBand] = Field(min_length=1)
    listed_grade: str
    tiers: list[TierSpec] = Field(min_length=1)
    rules: list[RuleSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def consistent(self):
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from / 失效日期须晚于生效日期")
        codes = [r.code for r in self.rules]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate rule codes: {', '.join(dupes)} / 规则代码重复")
        grades = [g.grade for g in self.grades]
        if self.listed_grade not in grades:
            raise ValueError(f"listed_grade {self.listed_grade!r} is not a grade / 列入名单对应的等级不存在")
        tiered = [g for t in self.tiers for g in t.grades]
        if sorted(tiered) != sorted(grades):
            raise ValueError("every grade must belong to exactly one tier / 每个等级须且仅须属于一个监管层级")
        if not self.grades[-1].matches(self.score_floor):
            raise ValueError("the lowest grade band must cover the score floor / 最低等级须覆盖最低分")
        return self

    # -- evaluation helpers shared by the SQL engine and the reference evaluator --
    def rule(self, code: str) -> RuleSpec | None:
        return self._by_code().get(code)

    def _by_code(self) -> dict[str, RuleSpec]:
        cache = self.__dict__.get("_rule_index")
        if cache is None:
            cache = {r.code: r for r in self.rules}
            object.__setattr__(self, "_rule_index", cache)
        return cache

    def grade_for(self, score: int, listed: bool) -> str:
        if listed:
            return self.listed_grade
        for band in self.grades:
            if band.matches(score):
                return band.grade
        return self.grades[-1].grade

    def tier_for(self, grade: str) -> TierSpec:
        return next(t for t in self.tiers if grade in t.grades)

    def canonical(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        cached = self.__dict__.get("_digest")
        if cached is None:
            cached = hashlib.sha256(self.canonical().encode()).hexdigest()
            object.__setattr__(self, "_digest", cached)
        return cached


# ---------------------------------------------------------------------------------------------
# Strict YAML reading with line numbers


def read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse one YAML file; duplicate keys and impossible dates are problems with their line."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogProblem([(str(path), mark.line + 1 if mark else None, f"YAML syntax error / YAML 语法错误: {exc}")]) from None
    lines: dict[tuple, int] = {}  # path in the data -> line in the file
    problems: list[tuple[str, int | None, str]] = []
    constructor = yaml.SafeLoader("")

    def convert(n, loc: tuple):
        lines[loc] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = constructor.construct_object(key_node)
                if key in out:
                    problems.append((str(path), key_node.start_mark.line + 1, f"duplicate key {key!r} / 键重复"))
                    continue
                out[key] = convert(value_node, loc + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [convert(item, loc + (i,)) for i, item in enumerate(n.value)]
        try:
            return constructor.construct_object(n)
        except ValueError as exc:
            problems.append((str(path), n.start_mark.line + 1, f"impossible value {n.value!r}: {exc} / 无效的值（如不存在的日期）"))
            return None

    data = convert(node, ()) if node is not None else None
    if problems:
        raise CatalogProblem(problems)
    return data, lines


def validate(model: type[BaseModel], data: Any, lines: dict[tuple, int], path: Path, loc_prefix: tuple = ()):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = loc_prefix + tuple(error["loc"])
            # The nearest located ancestor gives the line (model-level errors have no field).
            line = next((lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines), None)
            field = ".".join(str(p) for p in loc) or "(file)"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key / 未知的键"
            elif error["type"] == "missing":
                message = "required key is missing / 缺少必填的键"
            problems.append((str(path), line, f"{field}: {message}"))
        raise CatalogProblem(problems) from None


def load_all(model: type[BaseModel], files: list[Path]) -> list[tuple[Path, Any, dict[tuple, int]]]:
    """Read and validate each file as ``model``; one CatalogProblem lists every file's problems."""
    loaded, problems = [], []
    for file in files:
        try:
            data, lines = read_yaml(file)
            loaded.append((file, validate(model, data, lines, file), lines))
        except CatalogProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise CatalogProblem(problems)
    return loaded


# ---------------------------------------------------------------------------------------------
# The catalog


# Keys of a version file that belong to that file alone: a version based on another never inherits them.
OWN_KEYS = ("version", "title", "effective_from", "effective_to", "based_on")


def _amend(base: CatalogVersionSpec, amendment: dict, lines: dict[tuple, int], file: Path) -> tuple[dict, dict]:
    """The whole version an amendment file stands for, with the file's lines at the places it sets."""
    merged = {k: v for k, v in base.model_dump().items() if k not in OWN_KEYS}
    merged.update({k: v for k, v in amendment.items() if k not in ("based_on", "rules")})
    merged_lines = {loc: line for loc, line in lines.items() if not loc or loc[0] not in ("rules", "based_on")}
    entries = amendment.get("rules", [])
    if not isinstance(entries, list):
        raise CatalogProblem([(str(file), lines.get(("rules",)), "rules: a list of rule changes / 须为规则修改的列表")])
    rules = list(merged["rules"])
    index = {rule["code"]: i for i, rule in enumerate(rules)}
    problems = []
    for j, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            problems.append((str(file), lines.get(("rules", j)),
                             f"rules.{j}: a rule change names the rule's code / 规则修改须写明规则代码"))
            continue
        i = index.setdefault(entry["code"], len(rules))
        if i == len(rules):  # a new rule: it must be complete
            rules.append(dict(entry))
        else:
            rules[i] = {**rules[i], **entry}
        merged_lines.update({("rules", i) + loc[2:]: line for loc, line in lines.items() if loc[:2] == ("rules", j)})
    if problems:
        raise CatalogProblem(problems)
    merged["rules"] = rules
    return merged, merged_lines


def read_versions(files: list[Path]) -> list[tuple[CatalogVersionSpec, Path, int | None]]:
    """Each file's whole version (an amendment resolved against the version it is based on),
    with its file and the line of its ``effective_from``; one CatalogProblem lists every problem."""
    problems: list[tuple[str, int | None, str]] = []
    sources: dict[str, tuple[Path, dict, dict]] = {}
    plain: list[tuple[Path, Any, dict]] = []
    for file in files:
        try:
            data, lines = read_yaml(file)
        except CatalogProblem as exc:
            problems.extend(exc.problems)
            continue
        name = data.get("version") if isinstance(data, dict) else None
        if isinstance(name, str) and name in sources:
            problems.append((str(file), None, f"version {name!r} is defined twice / 版本号重复"))
        elif isinstance(name, str):
            sources[name] = (file, data, lines)
        else:  # not a mapping or no name: validation says why
            plain.append((file, data, lines))

    done: dict[str, CatalogVersionSpec | None] = {}

    def resolve(name: str, chain: tuple[str, ...] = ()) -> CatalogVersionSpec | None:
        if name in done:
            return done[name]
        file, data, lines = sources[name]
        done[name] = None  # until it validates (also ends a cycle)
        try:
            base_name = data.get("based_on")
            if base_name is None:
                merged, merged_lines = data, lines
            else:
                where = lines.get(("based_on",))
                if base_name in chain + (name,):
                    raise CatalogProblem([(str(file), where, f"based_on: versions based on each other in a circle "
                                                             f"({' -> '.join(chain + (name, base_name))}) / 版本依据循环")])
                if base_name not in sources:
                    raise CatalogProblem([(str(file), where, f"based_on: no version {base_name!r} in the catalog / "
                                                             "找不到所依据的版本")])
                base = resolve(base_name, chain + (name,))
                if base is None:  # the base's own problems are reported with its file
                    return None
                merged, merged_lines = _amend(base, data, lines, file)
            done[name] = validate(CatalogVersionSpec, merged, merged_lines, file)
        except CatalogProblem as exc:
            problems.extend(exc.problems)
        return done[name]

    for name in sources:
        resolve(name)
    for file, data, lines in plain:
        try:
            validate(CatalogVersionSpec, data, lines, file)
        except CatalogProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise CatalogProblem(problems)
    return [(done[name], file, lines.get(("effective_from",))) for name, (file, _data, lines) in sources.items()]


class Catalog:
    def __init__(self, versions: list[CatalogVersionSpec]):
        self.versions = sorted(versions, key=lambda v: v.effective_from)

    @classmethod
    def load(cls, path: Path) -> "Catalog":
        """Load every version file (``*.yaml`` under ``path/catalog``, or in ``path``); a file is
        loaded with the other versions of its folder, which it may be based on."""
        path = Path(path)
        if path.is_file():
            folder = path.parent
        else:
            folder = path / "catalog" if (path / "catalog").is_dir() else path
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise CatalogProblem([(str(path), None, "no catalog version files (*.yaml) found / 未找到规则目录文件")])
        loaded = read_versions(files)
        origin = {version.version: (file, line) for version, file, line in loaded}
        ordered = sorted((version for version, _file, _line in loaded), key=lambda v: v.effective_from)
        problems = []
        for earlier, later in zip(ordered, ordered[1:]):
            if earlier.effective_to is None and earlier.effective_from == later.effective_from or (
                earlier.effective_to is not None and earlier.effective_to > later.effective_from
            ):
                file, line = origin[later.version]
                problems.append(
                    (str(file), line, f"version {later.version!r} overlaps version {earlier.version!r} / 版本生效期间重叠")
                )
        if problems:
            raise CatalogProblem(problems)
        return cls(ordered)

    def version(self, name: str) -> CatalogVersionSpec | None:
        return next((v for v in self.versions if v.version == name), None)

    def in_force(self, as_of: dt.date) -> CatalogVersionSpec:
        for i, version in enumerate(self.versions):
            nxt = self.versions[i + 1].effective_from if i + 1 < len(self.versions) else None
            end = version.effective_to or nxt
            if version.effective_from <= as_of and (end is None or as_of < end):
                return version
        first = self.versions[0].effective_from
        if as_of < first:
            raise NoCatalogInForce(
                f"{as_of.isoformat()} 早于第一版信用规则目录的生效日期 {first.isoformat()}，无法评价",
                f"{as_of.isoformat()} is before the first catalog version ({first.isoformat()}): no assessment is possible",
                "as_of",
            )
        raise NoCatalogInForce(f"{as_of.isoformat()} 没有生效的信用规则目录版本",
                               f"no catalog version is in force on {as_of.isoformat()}", "as_of")

    def version_for_record(self, decision_date: dt.date) -> CatalogVersionSpec:
        """The version a record decided on ``decision_date`` is entered under.

        A record decided before the first version is entered under the first (it counts from that
        version's date while its window lasts); a date no version covers otherwise raises
        NoCatalogInForce.
        """
        return self.in_force(max(decision_date, self.versions[0].effective_from))

    def any_rule(self, code: str) -> RuleSpec | None:
        """The latest definition of a code in any version (for import checks of old records)."""
        for version in reversed(self.versions):
            if rule := version.rule(code):
                return rule
        return None


T = TypeVar("T")
_CACHE: dict[tuple[Path, Callable], tuple[tuple, Any]] = {}


def load_cached(path: Path, load: Callable[[Path], T]) -> T:
    """``load(path)``, cached until a YAML file under ``path`` is added, removed or edited."""
    path = Path(path)
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in path.rglob("*.yaml")))
    hit = _CACHE.get((path, load))
    if hit and hit[0] == stamp:
        return hit[1]
    value = load(path)
    _CACHE[(path, load)] = (stamp, value)
    return value


def load_catalog(path: Path) -> Catalog:
    return load_cached(path, Catalog.load)
