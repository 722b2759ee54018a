-- schema comment text changes
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'old reports';
