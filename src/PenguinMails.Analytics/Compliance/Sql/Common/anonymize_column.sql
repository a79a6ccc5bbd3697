-- Anonymization, step 2: one identifier column's values replaced by their pseudonyms. A template:
-- {table}, {column} and {kind} are filled from Anonymizer's fixed list of identifier columns,
-- never from input. Only ids change, so every number keeps its row and every aggregate stays.
UPDATE {table} SET {column} = m.pseudonym
FROM anon_map m
WHERE m.kind = '{kind}' AND {table}.{column} = m.original;
