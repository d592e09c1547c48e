-- kpi_log_work: the /log hot path (logWork in src/domain/logging.ts) in one round trip, as a function so
-- that PostgreSQL plans its statements once per connection instead of on every call.
--
-- Resolves the acting person (by Person id, or by Slack user id when p_person_id is NULL, then also
-- returning their roles and the sections they lead), checks the item, its point version in force for the
-- month, the sheet's state and the plausibility rules (day total, identical line within a minute), and
-- only when every check passes creates the month's sheet (OPEN) or locks the existing one, inserts the
-- entry and writes the audit rows (sheet.create when the sheet is new, entry.create). A failed check
-- writes nothing; the caller reads which one failed from the OUT columns:
--   actor_status   'unknown' | 'inactive' | 'ok'
--   item_found     false: no such item
--   item_active, ver_id (NULL: no point version in force)
--   cur_state / sheet_state  the sheet's state before / after locking it (not OPEN or RETURNED: locked)
--   entry_id       NULL when nothing was written (then dup_id / day_total / day_limit say why)
-- Totals are hundredths of a point. Invisible to Prisma's schema diff (functions are not modelled).
CREATE OR REPLACE FUNCTION kpi_log_work(
  p_person_id TEXT,
  p_slack_user TEXT,
  p_item_id TEXT,
  p_month VARCHAR,
  p_work_date VARCHAR,
  p_count INTEGER,
  p_note TEXT,
  p_now TIMESTAMP(3),
  p_confirm BOOLEAN,
  p_limit_points INTEGER,
  p_source TEXT,
  p_entry_id TEXT,
  p_sheet_id TEXT,
  OUT actor_status TEXT,
  OUT person_id TEXT,
  OUT person_slack_user TEXT,
  OUT person_name TEXT,
  OUT person_locale TEXT,
  OUT person_section TEXT,
  OUT person_roles TEXT,
  OUT person_chief_of TEXT,
  OUT item_found BOOLEAN,
  OUT item_code TEXT,
  OUT item_name TEXT,
  OUT item_name_en TEXT,
  OUT item_unit TEXT,
  OUT item_active BOOLEAN,
  OUT ver_id TEXT,
  OUT ver_points INTEGER,
  OUT cur_state TEXT,
  OUT day_total BIGINT,
  OUT day_limit BIGINT,
  OUT dup_id TEXT,
  OUT month_total BIGINT,
  OUT month_lines INTEGER,
  OUT entry_id TEXT,
  OUT sheet_id TEXT,
  OUT sheet_state TEXT,
  OUT sheet_created BOOLEAN,
  OUT temp_total BIGINT,
  OUT evidence JSON
)
LANGUAGE plpgsql
AS $$
DECLARE
  v_active BOOLEAN;
  v_category TEXT;
  v_sheet TEXT;
BEGIN
  -- the acting person
  IF p_person_id IS NOT NULL THEN
    SELECT p.id, p."slackUserId", p.name, p.locale, p."sectionId", p.active, p."categoryCode"
      INTO person_id, person_slack_user, person_name, person_locale, person_section, v_active, v_category
      FROM "Person" p WHERE p.id = p_person_id;
  ELSE
    SELECT p.id, p."slackUserId", p.name, p.locale, p."sectionId", p.active, p."categoryCode"
      INTO person_id, person_slack_user, person_name, person_locale, person_section, v_active, v_category
      FROM "Person" p WHERE p."slackUserId" = p_slack_user;
  END IF;
  IF NOT FOUND THEN
    actor_status := 'unknown';
    RETURN;
  END IF;
  IF NOT v_active THEN
    actor_status := 'inactive';
    RETURN;
  END IF;
  actor_status := 'ok';
  IF p_person_id IS NULL THEN
    SELECT string_agg(r.role::text, ',') INTO person_roles
      FROM "RoleAssignment" r WHERE r."personId" = person_id;
    SELECT string_agg(c."sectionId", ',') INTO person_chief_of
      FROM "SectionChief" c WHERE c."personId" = person_id;
  END IF;

  -- the item and its point version in force for the month
  SELECT w.code, w.name, w."nameEn", w.unit, w.active
    INTO item_code, item_name, item_name_en, item_unit, item_active
    FROM "WorkItem" w WHERE w.id = p_item_id;
  item_found := FOUND;
  IF NOT item_found THEN
    RETURN;
  END IF;
  SELECT v.id, v.points INTO ver_id, ver_points
    FROM "ItemPointVersion" v
    WHERE v."itemId" = p_item_id AND v."effectiveMonth" <= p_month
    ORDER BY v."effectiveMonth" DESC LIMIT 1;
  IF NOT item_active OR ver_id IS NULL THEN
    RETURN;
  END IF;

  -- the sheet's state, the month's and the day's totals, an identical line within the last minute
  SELECT s.id, s.state::text INTO v_sheet, cur_state
    FROM "Sheet" s WHERE s."personId" = person_id AND s.month = p_month;
  IF cur_state IS NOT NULL AND cur_state NOT IN ('OPEN', 'RETURNED') THEN
    RETURN;
  END IF;
  month_total := 0;
  day_total := 0;
  month_lines := 0;
  IF v_sheet IS NOT NULL THEN
    -- a sheet holds exactly the person's entries of its month
    SELECT COALESCE(SUM(e."pointsPerUnit"::bigint * e.count), 0)::bigint,
           COALESCE(SUM(e."pointsPerUnit"::bigint * e.count) FILTER (WHERE e."workDate" = p_work_date), 0)::bigint,
           count(*)::int,
           max(e.id) FILTER (
             WHERE e."itemId" = p_item_id AND e."workDate" = p_work_date AND e.count = p_count
               AND e.note IS NOT DISTINCT FROM p_note
               AND e."createdAt" > p_now - interval '1 minute')
      INTO month_total, day_total, month_lines, dup_id
      FROM "Entry" e WHERE e."sheetId" = v_sheet AND e.status = 'ACTIVE';
  END IF;
  day_limit := COALESCE(
    p_limit_points,
    (SELECT CASE WHEN jsonb_typeof(st.value) = 'number' THEN floor((st.value #>> '{}')::numeric)::int END
       FROM "Setting" st WHERE st.key = 'plausibleDailyPoints'),
    480)::bigint * 100;
  SELECT json_agg(json_build_object('id', ie.id, 'name', ie.name, 'nameEn', ie."nameEn")
                  ORDER BY ie."sortOrder", ie.name)
    INTO evidence
    FROM "ItemEvidence" ie WHERE ie."itemId" = p_item_id;
  IF NOT p_confirm
     AND (dup_id IS NOT NULL OR day_total + ver_points::bigint * p_count > day_limit) THEN
    RETURN;
  END IF;

  -- write: lock (or create) the sheet, so a concurrent submit cannot slip in, then the entry
  IF v_sheet IS NOT NULL THEN
    SELECT s.id, s.state::text, false INTO sheet_id, sheet_state, sheet_created
      FROM "Sheet" s WHERE s.id = v_sheet FOR NO KEY UPDATE;
  END IF;
  IF sheet_id IS NULL THEN
    INSERT INTO "Sheet" AS s (id, "personId", month, state, version, "categoryCode", "createdAt", "updatedAt")
    VALUES (p_sheet_id, person_id, p_month, 'OPEN', 0,
            COALESCE((SELECT pmc."categoryCode" FROM "PersonMonthCategory" pmc
                      WHERE pmc."personId" = person_id AND pmc.month = p_month), v_category),
            p_now, p_now)
    ON CONFLICT ("personId", month) DO UPDATE SET state = s.state
    RETURNING s.id, s.state::text, (s.xmax = 0) INTO sheet_id, sheet_state, sheet_created;
  END IF;
  IF sheet_state NOT IN ('OPEN', 'RETURNED') THEN
    RETURN;
  END IF;
  INSERT INTO "Entry" (id, "personId", "sheetId", month, "workDate", "itemId", "pointVersionId", "pointsPerUnit",
                       count, note, status, source, "createdAt", "updatedAt")
  VALUES (p_entry_id, person_id, sheet_id, p_month, p_work_date, p_item_id, ver_id, ver_points,
          p_count, p_note, 'ACTIVE', p_source::"EntrySource", p_now, p_now);
  entry_id := p_entry_id;
  IF sheet_created THEN
    INSERT INTO "AuditLog" (actor, action, "entityType", "entityId", outcome, after)
    VALUES (p_slack_user, 'sheet.create', 'Sheet', sheet_id, 'OK',
            jsonb_build_object('personId', person_id, 'month', p_month::text, 'state', 'OPEN'));
  END IF;
  INSERT INTO "AuditLog" (actor, action, "entityType", "entityId", outcome, after)
  VALUES (p_slack_user, 'entry.create', 'Entry', p_entry_id, 'OK',
          jsonb_build_object('personId', person_id, 'sheetId', sheet_id, 'itemId', p_item_id,
            'workDate', p_work_date::text, 'count', p_count, 'note', p_note,
            'pointVersionId', ver_id, 'pointsPerUnit', ver_points,
            'confirmed', p_confirm, 'source', p_source));
  SELECT COALESCE(SUM(t.points), 0)::bigint INTO temp_total
    FROM "TempTask" t WHERE t."personId" = person_id AND t.month = p_month AND t.status = 'PRICED';
END
$$;
