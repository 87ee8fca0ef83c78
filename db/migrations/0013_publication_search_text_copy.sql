-- publications.search_text is a copy of the intervention's, kept by these triggers whoever writes
-- (intake, the erasure of a beneficiary's data, a seed): a list filtered by state and searched
-- then checks the search on the state's rows themselves (lib/dashboard/interventions.ts).

-- A new publication takes its intervention's text, whatever the insert says.
CREATE FUNCTION copy_search_text_to_new_publication() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := coalesce((SELECT i.search_text FROM interventions i WHERE i.id = NEW.intervention_id), '');
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER publications_search_text_on_insert BEFORE INSERT ON publications
  FOR EACH ROW EXECUTE FUNCTION copy_search_text_to_new_publication();
--> statement-breakpoint
-- A changed text reaches the publication in the same transaction. Only an update naming the column
-- and changing it fires: the worker's status updates never do.
CREATE FUNCTION copy_search_text_to_publication() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE publications SET search_text = NEW.search_text WHERE intervention_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER interventions_search_text_copied AFTER UPDATE OF search_text ON interventions
  FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION copy_search_text_to_publication();
--> statement-breakpoint
-- The backfill is no change a dashboard shows: no notification per row.
ALTER TABLE publications DISABLE TRIGGER publications_dashboard_change;
--> statement-breakpoint
UPDATE publications p SET search_text = i.search_text FROM interventions i WHERE i.id = p.intervention_id AND i.search_text <> '';
--> statement-breakpoint
ALTER TABLE publications ENABLE TRIGGER publications_dashboard_change;
