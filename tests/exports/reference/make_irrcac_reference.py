"""Regenerate irrcac_reference.json: Gwet's coefficients and standard errors from the irrCAC package.

irrCAC (Gwet's framework, ported to Python by A. Fergadis) pins scipy 1.12 and pandas < 3, so it cannot
live in this project's environment; this script runs it once, outside, and stores its outputs next to
the ratings they were computed from. The test (test_agreement_chance_corrected_vs_irrcac.py) recomputes
every figure with exports.agreement.chance_corrected and compares.

    pip download --no-deps irrCAC==0.4.4 && unzip irrcac-0.4.4-py3-none-any.whl -d /tmp/irrcac
    PYTHONPATH=/tmp/irrcac python tests/exports/reference/make_irrcac_reference.py

``categories`` is passed explicitly: under pandas 3, irrCAC 0.4.4 otherwise counts NaN as a category.
"""

import json
from pathlib import Path

import irrCAC
import numpy as np
import pandas as pd
from irrCAC.raw import CAC

OUT = Path(__file__).with_name("irrcac_reference.json")
WEIGHTS = ["identity", "quadratic", "linear", "ordinal", "bipolar"]
METHODS = ["gwet", "fleiss", "bp", "conger", "krippendorff"]


def ratings(seed: int, units: int, raters: int, q: int, missing: float, skew: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = np.full(q, (1 - skew) / (q - 1))
    p[0] = skew
    truth = rng.choice(q, size=units, p=p) + 1
    data = np.where(rng.random((units, raters)) < 0.7, truth[:, None], rng.integers(1, q + 1, (units, raters)))
    data = data.astype(float)
    data[rng.random((units, raters)) < missing] = np.nan
    return data


def main() -> None:
    cases = []
    specs = [(1, 40, 3, 3, 0.2, 0.77), (2, 60, 4, 4, 0.3, 0.4), (3, 35, 5, 5, 0.25, 0.3), (4, 50, 2, 3, 0.0, 0.8)]
    for seed, units, raters, q, missing, skew in specs:
        data = ratings(seed, units, raters, q, missing, skew)
        cats = [float(c) for c in range(1, q + 1)]
        frame = pd.DataFrame(data)
        results = {}
        for w in WEIGHTS:
            cac = CAC(frame, weights=w, categories=cats, digits=12)
            results[w] = {}
            for m in METHODS:
                est = getattr(cac, m)()["est"]
                results[w][m] = {
                    "value": float(est["coefficient_value"]),
                    "se": float(est["se"]),
                    "pa": float(est["pa"]),
                    "pe": float(est["pe"]),
                }
        cases.append(
            {
                "seed": seed,
                "categories": cats,
                "ratings": [[None if np.isnan(v) else v for v in row] for row in data.tolist()],
                "results": results,
            }
        )
    OUT.write_text(json.dumps({"irrCAC": getattr(irrCAC, "__version__", "0.4.4"), "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
