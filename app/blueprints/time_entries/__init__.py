"""Time entries: listing now; the approval lifecycle lives here too."""
