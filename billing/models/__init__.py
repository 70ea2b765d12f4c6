from .approvals import WorkApproval
from .charges import ChargeLine
from .claims import LabourCorrection, WarrantyClaim
from .einvoices import EInvoiceTransmission, VerifactuRecord
from .invoices import CustomerBilling, Invoice, InvoiceLine, NumberSeries, Payment
from .prices import LabourRate, PartPrice, PriceList
from .quotes import Quote, QuoteLine
from .taxes import Company, Country, TaxRate

__all__ = [
    "ChargeLine",
    "Company",
    "Country",
    "CustomerBilling",
    "EInvoiceTransmission",
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
    "VerifactuRecord",
    "WarrantyClaim",
    "WorkApproval",
]
