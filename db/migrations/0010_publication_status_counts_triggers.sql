-- Publications per status, kept in publication_status_counts by statement-level triggers (see
-- db/schema.ts): a batch of 50 status changes adds one row per status it touched, not 50 updates
-- of a shared counter. Insert-only, so no worker waits on another's uncommitted count.

-- Folds the ledger into one row per status. Only one transaction folds at a time (a concurrent
-- fold could lock the same rows in another order); rows inserted meanwhile are not in the
-- delete's snapshot and stay, so the sums never change.
CREATE FUNCTION compact_publication_status_counts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF pg_try_advisory_xact_lock(7402611204) THEN
    WITH folded AS (DELETE FROM publication_status_counts RETURNING status, n)
    INSERT INTO publication_status_counts (status, n)
    SELECT status, sum(n) FROM folded GROUP BY status HAVING sum(n) <> 0;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION track_publication_status_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO publication_status_counts (status, n) SELECT status, count(*) FROM new_rows GROUP BY status;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO publication_status_counts (status, n) SELECT status, -count(*) FROM old_rows GROUP BY status;
  ELSE
    INSERT INTO publication_status_counts (status, n)
    SELECT status, sum(n) FROM (SELECT status, 1 AS n FROM new_rows UNION ALL SELECT status, -1 FROM old_rows) AS changes
    GROUP BY status HAVING sum(n) <> 0;
  END IF;
  GET DIAGNOSTICS added = ROW_COUNT;
  -- About every 32nd change folds the ledger, so reading it stays a sum over a few hundred rows.
  -- Read committed only: an older snapshot could not delete rows another fold just replaced.
  IF added > 0 AND random() < 1.0 / 32 AND current_setting('transaction_isolation') = 'read committed' THEN
    PERFORM compact_publication_status_counts();
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Rewrites the ledger from the publications themselves: the backfill below, and the repair if
-- rows were ever changed with the triggers disabled. Blocks writers of publications meanwhile.
CREATE FUNCTION recount_publication_status_counts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE publications IN SHARE MODE;
  DELETE FROM publication_status_counts;
  INSERT INTO publication_status_counts (status, n) SELECT status, count(*) FROM publications GROUP BY status;
END $$;
--> statement-breakpoint
CREATE TRIGGER publications_counted_on_insert AFTER INSERT ON publications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_publication_status_counts();
--> statement-breakpoint
CREATE TRIGGER publications_counted_on_update AFTER UPDATE ON publications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION track_publication_status_counts();
--> statement-breakpoint
CREATE TRIGGER publications_counted_on_delete AFTER DELETE ON publications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION track_publication_status_counts();
--> statement-breakpoint
-- Truncating publications empties the ledger with it.
CREATE FUNCTION clear_publication_status_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM publication_status_counts;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER publications_counted_on_truncate AFTER TRUNCATE ON publications
  FOR EACH STATEMENT EXECUTE FUNCTION clear_publication_status_counts();
--> statement-breakpoint
SELECT recount_publication_status_counts();
