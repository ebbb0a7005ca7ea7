"""The inspection pack (issue 20 point 4): for a period, one DOCX an examiner reads and an XLSX
of the same figures. `figures.collect(start, end)` computes every figure once; `documents`
renders them (charts as PNG images from `charts`); `sharing` is the hook through which the
sharing ledger's totals arrive."""
