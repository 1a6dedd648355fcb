"""Hostile input, everywhere a stockroom's clients can send it ("A stockroom can trust it"):
randomised values (hypothesis) in every scanner step, every UI form, query string and path,
and every API write, found from the URL resolver, the pages and the OpenAPI schema. No
answer may be a 500, a refusal writes nothing, and afterwards every page still renders and
``check_ledger`` passes. ``HOSTILE_EXAMPLES=200`` runs longer attacks than the suite's."""
