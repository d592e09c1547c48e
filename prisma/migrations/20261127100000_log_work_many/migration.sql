-- kpi_log_work, second version: the person's sheet is locked before the checks read it (it was locked
-- only for the write). Two identical lines sent at the same moment were both checked before either was
-- written, so both were written; now the second waits for the first and is answered as a duplicate
-- (the plausibility rule of SCHEME.md, "an identical line twice in a minute asks for confirmation").
-- A month's first line that finds its sheet created meanwhile by another line checks again against it.
-- A month whose results are published (MonthClose.state PUBLISHED) takes no line: the answer's new column
-- month_published says so and nothing is written. The MonthClose row is share-locked before the sheet (the
-- order publishMonth takes them in), so a line waits for a publish under way and is then refused.
-- A new OUT column changes the function's result type: the first version is dropped first.
DROP FUNCTION IF EXISTS kpi_log_work(TEXT, TEXT, TEXT, VARCHAR, VARCHAR, INTEGER, TEXT, TIMESTAMP(3), BOOLEAN,
                                     INTEGER, TEXT, TEXT, TEXT);
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
  OUT evidence JSON,
  OUT month_published BOOLEAN
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

  -- a published month takes no more changes. FOR SHARE: a publish holding the row (FOR UPDATE) is waited
  -- for, and one starting now waits for this line. Before the sheet is locked, as publishMonth locks them.
  SELECT mc.state = 'PUBLISHED' INTO month_published
    FROM "MonthClose" mc WHERE mc.month = p_month FOR SHARE;
  month_published := COALESCE(month_published, false);
  IF month_published THEN
    RETURN;
  END IF;

  -- the day's limit and the item's documents (the same whatever the sheet)
  day_limit := COALESCE(
    p_limit_points,
    (SELECT CASE WHEN jsonb_typeof(st.value) = 'number' THEN floor((st.value #>> '{}')::numeric)::int END
       FROM "Setting" st WHERE st.key = 'plausibleDailyPoints'),
    480)::bigint * 100;
  SELECT json_agg(json_build_object('id', ie.id, 'name', ie.name, 'nameEn', ie."nameEn")
                  ORDER BY ie."sortOrder", ie.name)
    INTO evidence
    FROM "ItemEvidence" ie WHERE ie."itemId" = p_item_id;

  -- the sheet, locked before it is read, so that the checks below and the write see the same sheet: a
  -- concurrent submit cannot slip in, and two identical lines sent at once are checked one after the
  -- other (the second is a duplicate). Then the month's and the day's totals and any identical line
  -- within the last minute. A month without a sheet creates it with the line; if another line created
  -- it meanwhile, the checks run again against that sheet.
  LOOP
    SELECT s.id, s.state::text INTO v_sheet, cur_state
      FROM "Sheet" s WHERE s."personId" = person_id AND s.month = p_month
      FOR NO KEY UPDATE;
    IF cur_state IS NOT NULL AND cur_state NOT IN ('OPEN', 'RETURNED') THEN
      RETURN;
    END IF;
    month_total := 0;
    day_total := 0;
    month_lines := 0;
    dup_id := NULL;
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
    IF NOT p_confirm
       AND (dup_id IS NOT NULL OR day_total + ver_points::bigint * p_count > day_limit) THEN
      RETURN;
    END IF;
    IF v_sheet IS NOT NULL THEN
      sheet_id := v_sheet;
      sheet_state := cur_state;
      sheet_created := false;
      EXIT;
    END IF;
    INSERT INTO "Sheet" AS s (id, "personId", month, state, version, "categoryCode", "createdAt", "updatedAt")
    VALUES (p_sheet_id, person_id, p_month, 'OPEN', 0,
            COALESCE((SELECT pmc."categoryCode" FROM "PersonMonthCategory" pmc
                      WHERE pmc."personId" = person_id AND pmc.month = p_month), v_category),
            p_now, p_now)
    ON CONFLICT ("personId", month) DO NOTHING
    RETURNING s.id, s.state::text, true INTO sheet_id, sheet_state, sheet_created;
    EXIT WHEN FOUND;
  END LOOP;
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

-- kpi_log_work_many: several /log lines of different requests in one round trip and one transaction (the
-- /log hot path under load, src/domain/logging.ts). The arrays are parallel, one element per line, in the
-- order to process them: the caller sorts them by Slack user, so that two batches running at once lock
-- the people's sheets in the same order. Each line is checked and written exactly as kpi_log_work alone
-- would, seeing the lines before it in the batch (an identical line twice in one batch is a duplicate).
-- Answers one row per line, in that order: its position (1-based) and kpi_log_work's answer as JSON.
-- Invisible to Prisma's schema diff (functions are not modelled).
CREATE OR REPLACE FUNCTION kpi_log_work_many(
  p_person_id TEXT[],
  p_slack_user TEXT[],
  p_item_id TEXT[],
  p_month VARCHAR[],
  p_work_date VARCHAR[],
  p_count INTEGER[],
  p_note TEXT[],
  p_now TIMESTAMP(3)[],
  p_confirm BOOLEAN[],
  p_limit_points INTEGER[],
  p_source TEXT[],
  p_entry_id TEXT[],
  p_sheet_id TEXT[]
)
RETURNS TABLE (pos INTEGER, answer JSON)
LANGUAGE plpgsql
AS $$
BEGIN
  FOR k IN 1 .. coalesce(array_length(p_slack_user, 1), 0) LOOP
    pos := k;
    SELECT row_to_json(one) INTO answer
      FROM kpi_log_work(p_person_id[k], p_slack_user[k], p_item_id[k], p_month[k], p_work_date[k],
                        p_count[k], p_note[k], p_now[k], p_confirm[k], p_limit_points[k], p_source[k],
                        p_entry_id[k], p_sheet_id[k]) one;
    RETURN NEXT;
  END LOOP;
END
$$;
