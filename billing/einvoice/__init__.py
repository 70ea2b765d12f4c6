"""E-invoices: the exchange formats (FatturaPA, Factur-X), EN 16931's rules and Spain's VeriFactu
records, as pure functions of `document.Document`. No models and no database here: the invoicing
code maps an Invoice to a Document and stores what these return."""
