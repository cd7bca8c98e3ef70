"""The firm's own pages: its credit, records, notices and applications in one place."""
