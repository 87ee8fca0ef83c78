-- Live dashboard: every committed change a page shows is announced on the "dashboard_changes"
-- channel (lib/dashboard/live.ts listens). NOTIFY is delivered only when the writing transaction
-- commits, so a page never refetches before the change is visible. The payload holds the
-- intervention's reference and the kind of change, never personal data.
CREATE FUNCTION notify_dashboard_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  reference text;
BEGIN
  IF TG_TABLE_NAME = 'interventions' THEN
    reference := NEW.reference;
  ELSIF TG_TABLE_NAME = 'webhook_events' THEN
    reference := NEW.external_reference;
  ELSIF TG_TABLE_NAME <> 'circuit_breakers' THEN
    -- Nested, not ANDed: the circuit's row has no intervention_id to plan an expression over.
    SELECT i.reference INTO reference FROM interventions i WHERE i.id = NEW.intervention_id;
  END IF;
  PERFORM pg_notify('dashboard_changes', json_build_object('reference', reference, 'kind', TG_ARGV[0])::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER interventions_dashboard_change AFTER INSERT OR UPDATE ON interventions FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('intervention');
--> statement-breakpoint
CREATE TRIGGER publications_dashboard_change AFTER INSERT OR UPDATE ON publications FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('publication');
--> statement-breakpoint
CREATE TRIGGER publication_attempts_dashboard_change AFTER INSERT ON publication_attempts FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('attempt');
--> statement-breakpoint
CREATE TRIGGER webhook_events_dashboard_change AFTER INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('webhook');
--> statement-breakpoint
CREATE TRIGGER audit_log_dashboard_change AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('staff_action');
--> statement-breakpoint
CREATE TRIGGER alerts_dashboard_change AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('alert');
--> statement-breakpoint
CREATE TRIGGER circuit_breakers_dashboard_change AFTER INSERT OR UPDATE ON circuit_breakers FOR EACH ROW EXECUTE FUNCTION notify_dashboard_change('circuit');
