-- 013_circle: the 10-minute circle (10分钟拥军圈): the settings its analyses
-- use, one row the city bureau (admin) edits at /api/v1/circle/settings
-- (each change audited). The values seeded here are defaults to start from:
-- they are the operator's to set, and the code holds no number of its own.
--
-- default_minutes: 10, the programme's own name (10分钟拥军圈).
-- walking_speed_m_per_min: 50 m a minute, from 《城市居住区规划设计标准》
--   GB 50180-2018, whose 十分钟生活圈 is the area within a 500 m walk
--   (步行距离), i.e. ten minutes at 50 m/min; slower than a fit adult's
--   4–5 km/h, which suits the many elderly card holders.
-- detour_factor: 1.3, walking distance over straight-line distance (route
--   circuity); 1.2–1.4 is the range usually measured in Chinese and other
--   cities' street grids. A walk of w metres reaches w / 1.3 in a straight line.
-- grid_cell_m: 500 m, the side of the heat map's cells and of the cells whose
--   centres are ranked as places to recruit, about one block group.
-- nearby_cache_seconds: how long a server answers nearby searches from its
--   in-memory copy of the network before reading it again (a change of
--   settings on the same server is seen at once; another server's within this).
CREATE TABLE circle_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  default_minutes INTEGER NOT NULL,
  walking_speed_m_per_min DOUBLE PRECISION NOT NULL,
  detour_factor DOUBLE PRECISION NOT NULL,
  grid_cell_m INTEGER NOT NULL,
  nearby_cache_seconds INTEGER NOT NULL,
  updated_by TEXT,
  updated_at TEXT
);
INSERT INTO circle_settings (id, default_minutes, walking_speed_m_per_min, detour_factor, grid_cell_m,
                             nearby_cache_seconds, updated_by, updated_at)
VALUES (1, 10, 50, 1.3, 500, 30, NULL, NULL);
