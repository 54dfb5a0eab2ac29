"""Medians and spreads: these machines are shared and noisy, one run proves little."""

import math
import statistics
from collections.abc import Sequence


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def spread(samples: Sequence[float], digits: int = 3) -> str:
    return f"{min(samples):.{digits}g}-{max(samples):.{digits}g} (n={len(samples)})"


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank: the value a q% of samples do not exceed."""
    ordered = sorted(samples)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(0, min(len(ordered), rank) - 1)]
