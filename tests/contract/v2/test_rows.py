"""The V2 codec checks a whole array against the schema at once: it must agree with pydantic."""

import numpy as np
import pytest
from pydantic import ValidationError

from shared.contract.v2.codec import all_rows_follow_the_schema, patients_from_rows
from shared.contract.v2.types import V2Error
from shared.core.schemas import FEATURES, Patient


def passes_pydantic(row: np.ndarray) -> bool:
    try:
        Patient.model_validate(dict(zip(FEATURES, row.tolist(), strict=True)))
    except ValidationError:
        return False
    return True


def rows_near_the_bounds(count: int) -> np.ndarray:
    """Values on, just inside and just outside each bound, and sexes 0 to 3 by halves."""
    rng = np.random.default_rng(16)
    columns = []
    for feature in Patient.model_fields.values():
        if feature.annotation is float:
            low = next(rule.ge for rule in feature.metadata if hasattr(rule, "ge"))
            high = next(rule.le for rule in feature.metadata if hasattr(rule, "le"))
            edges = [low, high, np.nextafter(low, -np.inf), np.nextafter(high, np.inf)]
            candidates = [*edges, (low + high) / 2, low - 1, high + 1]
        else:
            candidates = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
        # Mostly valid values, so that whole rows pass often enough to be tested too.
        weights = np.array([3 if inside(c, feature) else 1 for c in candidates])
        columns.append(rng.choice(candidates, size=count, p=weights / weights.sum()))
    return np.column_stack(columns)


def inside(value: float, feature) -> bool:
    """Whether one value passes its own feature's rule."""
    if feature.annotation is not float:
        return value in (1.0, 2.0)
    low = next(rule.ge for rule in feature.metadata if hasattr(rule, "ge"))
    high = next(rule.le for rule in feature.metadata if hasattr(rule, "le"))
    return low <= value <= high


def test_the_array_check_agrees_with_pydantic_row_by_row():
    rows = rows_near_the_bounds(3000)
    verdicts = [(all_rows_follow_the_schema(row[None, :]), passes_pydantic(row)) for row in rows]
    assert all(fast == slow for fast, slow in verdicts)
    assert {slow for _, slow in verdicts} == {True, False}  # both cases were tried


def test_one_bad_row_fails_the_whole_array():
    rows = np.array([[59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]] * 3, dtype=float)
    assert all_rows_follow_the_schema(rows)
    rows[1, FEATURES.index("bmi")] = 500
    assert not all_rows_follow_the_schema(rows)
    with pytest.raises(V2Error, match=r"^patients\.1\.bmi: "):
        patients_from_rows(rows)
