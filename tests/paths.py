from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout: specs and real sample data, read in place, never copied.
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "data" / "external"
