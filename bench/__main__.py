"""Run every benchmark: `python -m bench` (what `make bench` does)."""

from bench import curtois, demo_load, foundation, load, queries, roster_synthetic

if __name__ == "__main__":
    foundation.main()
    queries.main()
    demo_load.main()
    curtois.main()
    roster_synthetic.main()
    load.main()
