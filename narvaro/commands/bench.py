"""bench: speed at 1,000 / 10,000 / 100,000 cases, in the browser, and under load (see narvaro.bench)."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("bench", help="mät sidornas svarstider vid 1 000–100 000 ärenden (och under last)")
    p.add_argument("--sizes", default="1000,10000,100000",
                   help="antal ärenden per databas, kommaseparerat (standard 1000,10000,100000)")
    p.add_argument("--repeats", type=int, default=5, help="mätningar per sida och storlek (medianen redovisas)")
    p.add_argument("--no-browser", action="store_true", help="hoppa över mätningen i Chromium")
    p.add_argument("--load", action="store_true",
                   help="mät också 20 samtidiga webbläsarsessioner mot en, på SQLite och PostgreSQL")
    p.add_argument("--sessions", type=int, default=20, help="samtidiga sessioner i lastmätningen")
    # 10 s between clicks is a busy person working a case; 2 s (every session clicking without pause) is a
    # stress test that on a 2-core machine mostly measures the 20 Chromium tabs sharing the cores with the app.
    p.add_argument("--think", type=float, default=10.0,
                   help="medeltid i sekunder mellan en sessions omkörningar (en person som klickar; standard 10)")
    p.add_argument("--pg-url", help="PostgreSQL-server för lastmätningen (en tillfällig databas skapas där)")
    p.add_argument("--out", help="mapp för JSON-resultaten (standard bench-results/)")
    p.set_defaults(func=_bench)


def _bench(args) -> int:
    from .. import bench

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = bench.run(sizes, repeats=args.repeats, browser=not args.no_browser, load=args.load,
                        pg_admin_url=args.pg_url, sessions=args.sessions, think=args.think, out_dir=args.out,
                        progress=lambda m: print(m, flush=True))
    print()
    print(bench.format_table(results))
    print(f"\nResultat: {results['file']}")
    return 0
