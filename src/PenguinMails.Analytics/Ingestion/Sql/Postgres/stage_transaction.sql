-- The staging transaction creates and fills temporary tables only: a crash loses them with the
-- session whether or not the commit reached the disk, and the batch is not accepted until the
-- apply transaction commits (durably). So its commit need not wait for the WAL flush that the
-- temporary tables' catalog rows would otherwise cost each batch.
SET LOCAL synchronous_commit = off;
