-- 020_department_role: the department role. A government department (an
-- organisation of type 'department': 公安局, 教育局, 人力资源和社会保障局 …)
-- gets accounts and API tokens of its own and acts on the case steps it
-- handles, instead of an officer acting for it.
--
-- The SET_CHECK token (table.column, then the new expression, between two
-- at-signs) replaces a column's CHECK: an ALTER TABLE on PostgreSQL, a rebuild
-- of the table keeping every row, index and foreign key on SQLite (src/db:
-- the backends' set_check_ddl).
@SET_CHECK:users.role:role IN ('admin','officer','auditor','merchant','clinic','unit','employer','station','person','department')@;
@SET_CHECK:api_tokens.role:role IN ('admin','officer','auditor','merchant','clinic','unit','employer','station','person','department')@;

-- The steps of 一门受理, 军人子女入学 and 随军家属就业 are handled by
-- departments: the handling department may now take their transitions itself
-- (the engine still requires it to be the step's organisation).
UPDATE case_type_transitions SET roles = roles || ',department'
 WHERE type_code IN ('one_window', 'child_school', 'spouse_job') AND org_type = 'department'
   AND (',' || roles || ',') NOT LIKE '%,department,%';
