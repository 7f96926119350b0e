"""How far a mean can be trusted: Student-t intervals and inter-rater agreement, without scipy.

The app needs only the 97.5th percentile of Student's t (for 95 % intervals), so it keeps the
exact values for 1 to 30 degrees of freedom and uses the Cornish-Fisher expansion around the
normal quantile beyond, which is within 1e-5 of the exact value from 31 on (the tests check
both against scipy). No Flask, no scipy at run time: a dashboard must not load 40 MB of
numerical code to print two numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from survey.core.report import Agreement

# t_{0.975, df} for df = 1..30 (the usual two-sided 95 % table, to 9 decimals).
_T975 = (
    12.706204736,
    4.302652730,
    3.182446305,
    2.776445105,
    2.570581836,
    2.446911851,
    2.364624252,
    2.306004135,
    2.262157163,
    2.228138852,
    2.200985160,
    2.178812830,
    2.160368656,
    2.144786688,
    2.131449546,
    2.119905299,
    2.109815578,
    2.100922040,
    2.093024054,
    2.085963447,
    2.079613845,
    2.073873068,
    2.068657610,
    2.063898562,
    2.059538553,
    2.055529439,
    2.051830516,
    2.048407142,
    2.045229642,
    2.042272456,
)
_Z975 = 1.959963984540054  # the standard normal's 97.5th percentile


def t_quantile_975(df: int) -> float:
    """The 97.5th percentile of Student's t with ``df`` degrees of freedom (df >= 1)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z, v = _Z975, float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


def interval(mean: float, variance: float, n: int, low: float, high: float) -> list[float]:
    """mean ± t(n - 1) × √(variance / n), clipped to ``[low, high]`` (n >= 2; ``variance``
    the sample variance, n - 1 in the denominator)."""
    half = t_quantile_975(n - 1) * math.sqrt(variance / n)
    return [float(max(low, mean - half)), float(min(high, mean + half))]


def mean_ci(values: Sequence[float], low: float, high: float) -> tuple[float, float] | None:
    """The 95 % Student-t interval of the mean of ``values`` (n - 1 degrees of freedom),
    clipped to the scale ``[low, high]``; None for fewer than 2 values."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    variance = sum((x - mean) ** 2 for x in values) / (n - 1)
    found = interval(mean, variance, n, low, high)
    return (found[0], found[1])


def agreement_of(ad: float, variance: float, points: int) -> Agreement | None:
    """``ad`` as given and ``rwg`` = 1 - s² / σ²E, σ²E = (A² - 1) / 12, clipped to [0, 1]."""
    if points < 2:
        return None
    expected = (points**2 - 1) / 12
    return {"ad": float(ad), "rwg": float(min(1.0, max(0.0, 1 - variance / expected)))}


def agreement(values: Sequence[float], points: int) -> Agreement | None:
    """How much the raters agree: ``ad``, the mean absolute deviation around their mean, and
    ``rwg`` = 1 - s² / σ²E with σ²E = (A² - 1) / 12 the variance of uniform answers on an
    A-point scale, clipped to [0, 1]. None for fewer than 2 raters."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    ad = sum(abs(x - mean) for x in values) / n
    variance = sum((x - mean) ** 2 for x in values) / (n - 1)
    return agreement_of(ad, variance, points)


def ad_bound(points: int) -> float:
    """The usual cut-off for agreement on an A-point scale: AD at or below (A - 1) / 6."""
    return (points - 1) / 6
