from .charges import ChargeLine
from .claims import LabourCorrection, WarrantyClaim
from .prices import LabourRate, PartPrice, PriceList
from .quotes import Quote, QuoteLine

__all__ = [
    "ChargeLine",
    "LabourCorrection",
    "LabourRate",
    "PartPrice",
    "PriceList",
    "Quote",
    "QuoteLine",
    "WarrantyClaim",
]
