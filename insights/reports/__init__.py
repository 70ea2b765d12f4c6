"""Client reports: what an organization's administrator sees of their own company's service
over a period (tickets, SLA, visits, hours, invoices), as a page, a CSV and a PDF, under
/portal/reports/.

They live in insights/, not in portal/, because the layers run portal -> insights: only
insights may read both the figures defined once in insights.kpis (SLA compliance, visits
worked) and the portal's organization in use; the portal cannot import insights."""
