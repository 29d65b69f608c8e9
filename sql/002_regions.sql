-- 002_regions: Cangzhou's county-level divisions and zones (GB/T 2260 codes).
-- Source: shared/data/cangzhou-regions.csv. Codes and names are facts; population
-- (units of 10,000, about 2018; city total end-2023) and seat coordinates (WGS-84,
-- about 1 km) are approximate and the UI labels them so. 1309 71-73 are statistical zones.
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130000', '河北省', 'province', NULL, NULL, NULL, NULL);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130900', '沧州市', 'city', '130000', 726.5, 38.304, 116.839);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130902', '新华区', 'district', '130900', 23, 38.314, 116.866);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130903', '运河区', 'district', '130900', 32, 38.298, 116.832);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130921', '沧县', 'county', '130900', 71, 38.219, 116.873);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130922', '青县', 'county', '130900', 42, 38.583, 116.804);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130923', '东光县', 'county', '130900', 37, 37.888, 116.537);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130924', '海兴县', 'county', '130900', 23, 38.143, 117.497);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130925', '盐山县', 'county', '130900', 48, 38.058, 117.231);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130926', '肃宁县', 'county', '130900', 36, 38.423, 115.83);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130927', '南皮县', 'county', '130900', 39, 38.039, 116.709);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130928', '吴桥县', 'county', '130900', 28, 37.628, 116.391);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130929', '献县', 'county', '130900', 64, 38.19, 116.123);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130930', '孟村回族自治县', 'county', '130900', 23, 38.053, 117.104);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130981', '泊头市', 'county_city', '130900', 62, 38.084, 116.578);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130982', '任丘市', 'county_city', '130900', 87, 38.712, 116.099);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130983', '黄骅市', 'county_city', '130900', 47, 38.371, 117.33);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130984', '河间市', 'county_city', '130900', 84, 38.446, 116.099);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130971', '沧州经济开发区', 'zone', '130900', NULL, 38.26, 116.9);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130972', '沧州高新技术产业开发区', 'zone', '130900', NULL, 38.34, 116.79);
INSERT INTO regions (code, name, level, parent_code, population_10k, lat, lon) VALUES ('130973', '沧州渤海新区', 'zone', '130900', NULL, 38.28, 117.6);
