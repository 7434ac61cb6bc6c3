"""The one-stop envelope (DOMAIN.md §1) as the engine's: what every one-stop procedure
shares, so that a new one is mostly catalogue data.

A one-stop dossier — received online, at the counter or by post; checked for
completeness; a supplement request (Mẫu 02) listing every item at once; the receipt with
its appointment date (Mẫu 01); the apology slip when late (Mẫu 04); the refusal
(Mẫu 03); the result signed by the director — is one row of the one-stop desk's dossier
table, whichever procedure it belongs to. The desk (the `permits` app, whose tables
are that dossier table, its documents, supplement requests and apology slips) files,
routes and shows every procedure through the same services, flows, pages, API and
documents.

What differs between procedures is declared here:

- `kinds`: a procedure registers a `OneStopKind` — its catalogue code, the prefix of
  its dossier codes, whether a fee step follows acceptance, the division that appraises
  it, the declarations it asks beyond the organisation (`Details`), and the result the
  signature produces with its document. The desk registers its radiation kinds the
  same way.
- `catalogue`: the envelope's catalogue data (the internal step budgets, the apology
  slip's parameters, the reminder ladder of the check, steps, result, apology and
  supplement rows) and the installer every one-stop procedure's entry uses.
- `documents`: the A4 administrative layout (national header, title, body, signature
  blocks) in DejaVu Sans, which Mẫu 01–04 and every result document are drawn with.

A procedure's own app imports only this package, never the desk: the desk's services
are reached through `kinds.desk()` where a procedure needs them (its demo).
"""
