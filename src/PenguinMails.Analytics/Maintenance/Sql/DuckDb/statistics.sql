-- Statistics for the optimizer. (The CHECKPOINT that folds the write-ahead log into the file is
-- attempted separately: DuckDB refuses it while another write transaction is open.)
ANALYZE;
