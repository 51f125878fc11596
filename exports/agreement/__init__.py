"""Inter-annotator agreement statistics over plain tables. No Django: safe to import anywhere."""

from .alpha import AlphaParts, AlphaResult, krippendorff_alpha, masi_distance, reading
from .kappa import LabelTable, cohen_kappa, fleiss_kappa_from_table
from .report import agreement_report

__all__ = [
    "AlphaParts",
    "AlphaResult",
    "LabelTable",
    "agreement_report",
    "cohen_kappa",
    "fleiss_kappa_from_table",
    "krippendorff_alpha",
    "masi_distance",
    "reading",
]
