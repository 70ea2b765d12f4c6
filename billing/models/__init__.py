from .charges import ChargeLine
from .claims import LabourCorrection, WarrantyClaim
from .invoices import CustomerBilling, Invoice, InvoiceLine, NumberSeries, Payment
from .prices import LabourRate, PartPrice, PriceList
from .quotes import Quote, QuoteLine
from .taxes import Company, Country, TaxRate

__all__ = [
    "ChargeLine",
    "Company",
    "Country",
    "CustomerBilling",
    "Invoice",
    "InvoiceLine",
    "LabourCorrection",
    "LabourRate",
    "NumberSeries",
    "PartPrice",
    "Payment",
    "PriceList",
    "Quote",
    "QuoteLine",
    "TaxRate",
    "WarrantyClaim",
]
