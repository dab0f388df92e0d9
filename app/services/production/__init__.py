"""Production rules: bills of materials and their cost, production orders' statuses, jobs'
schedule counts."""
