from .charges import ChargeLine
from .invoices import CustomerBilling, Invoice, InvoiceLine, NumberSeries, Payment
from .taxes import Company, Country, TaxRate

__all__ = [
    "ChargeLine",
    "Company",
    "Country",
    "CustomerBilling",
    "Invoice",
    "InvoiceLine",
    "NumberSeries",
    "Payment",
    "TaxRate",
]
