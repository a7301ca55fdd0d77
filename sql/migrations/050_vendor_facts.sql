-- What each catalogued service's vendor states about the data sent to it (the catalog's data
-- facts, docs/catalog.md), carried into vendors so queries can weigh an upload by where it went.
-- io.agentwatch.store.VendorRows fills these columns from the catalog each time the stack starts;
-- 'unknown' where the catalog states nothing (rows written before this migration, too).
--   trains_by_default     yes | no | unknown: the training fact that speaks for the service's users
--                         (consumer data for chat-web services, API data for the others)
--   retention             how long prompts and responses are kept by default: Nd | until-deleted | unknown
--   processing_regions    where they are processed: lower-case words, ', '-separated, or unknown
--   certifications        lower-case words, ', '-separated, or unknown
--   zero_retention_offer  yes | no | unknown
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS trains_by_default LowCardinality(String) DEFAULT 'unknown';
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS retention LowCardinality(String) DEFAULT 'unknown';
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS processing_regions String DEFAULT 'unknown';
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS certifications String DEFAULT 'unknown';
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS zero_retention_offer LowCardinality(String) DEFAULT 'unknown';

-- The exposure formula's factors, defined here and nowhere else (docs/exposure.md explains them
-- with a worked example): exposure = MB uploaded × factor, factor = vendor_factor × policy_factor,
-- vendor_factor = training_factor × retention_factor. Unknown weighs more than a known good
-- answer: a vendor that states nothing is not given the benefit of the doubt. One extra row,
-- vendor = '' and service = '', is the factor of a service the vendors table does not list (a
-- flow identified by a catalog entry since removed): unknown facts, unreviewed.
CREATE VIEW IF NOT EXISTS exposure_factors AS
SELECT
    vendor,
    service,
    policy_tag,
    trains_by_default,
    retention,
    multiIf(trains_by_default = 'yes', 2.0, trains_by_default = 'no', 1.0, 1.5)  AS training_factor,
    multiIf(retention = 'until-deleted', 1.5,
            toUInt32OrNull(replaceRegexpOne(retention, 'd$', '')) IS NULL, 1.25,
            toUInt32OrZero(replaceRegexpOne(retention, 'd$', '')) > 30, 1.5,
            1.0)                                                                AS retention_factor,
    training_factor * retention_factor                                          AS vendor_factor,
    multiIf(policy_tag = 'sanctioned', 0.25, policy_tag = 'tolerated', 0.5,
            policy_tag = 'unsanctioned', 2.0, 1.0)                              AS policy_factor,
    vendor_factor * policy_factor                                               AS factor
FROM
(
    SELECT toString(vendor) AS vendor, toString(service) AS service, toString(policy_tag) AS policy_tag,
           toString(trains_by_default) AS trains_by_default, toString(retention) AS retention
    FROM vendors
    UNION ALL
    SELECT '', '', 'unreviewed', 'unknown', 'unknown'
);
