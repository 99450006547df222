"""违约金 beyond the accrual rule (arrears/late_fee.py): each community's policy and its limits, households' own
terms, and waivers (减免) — their reads, writes, forms, tables and the managers' pages."""
