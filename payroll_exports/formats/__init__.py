"""The export formats; importing this package registers each of them in ``FORMATS``.

One module per format. Each cites, in its docstring, the vendor pages and working generators its
layout is taken from (the facts are collected in PAYROLL_FORMATS.md), and has an exact-bytes test.
"""

from payroll_exports.formats import adp, csv_basic, gusto, quickbooks_iif, xlsx

__all__ = ["adp", "csv_basic", "gusto", "quickbooks_iif", "xlsx"]
