-- sqlite3 on stdin: tables, joins, aggregates, a recursive CTE, window
-- functions, JSON, strings and dates, and the shell's dot commands.
.headers on
.mode list
create table dept (id integer primary key, name text not null unique);
create table emp (id integer primary key, name text, dept integer references dept(id), salary real, hired text);
insert into dept (name) values ('eng'), ('ops'), ('sales');
with recursive n(i) as (select 1 union all select i + 1 from n where i < 60)
insert into emp (name, dept, salary, hired)
select printf('emp%02d', i), 1 + i % 3, 1000 + (i * 37) % 500 + i / 10.0, date('2020-01-01', '+' || (i * 17) || ' days') from n;
select d.name, count(*) as n, round(avg(e.salary), 2) as avg, min(e.hired) as first, max(e.hired) as last
from emp e join dept d on d.id = e.dept group by d.name order by d.name;
select name, salary, rank() over (partition by dept order by salary desc) as r,
       round(sum(salary) over (partition by dept order by id rows between 2 preceding and current row), 1) as run
from emp where id <= 9 order by id;
.mode column
select upper(substr(name, 1, 3)) || '-' || length(name) as tag, typeof(salary) as t, salary > 1300 as big
from emp where id in (3, 17, 42) order by id;
.mode csv
select json_object('id', id, 'name', name, 'tags', json_array(dept, hired)) as j from emp where id < 4;
select json_extract('{"a": {"b": [10, 20, 30]}}', '$.a.b[1]'), json_array_length('[1,2,3,4]');
.mode line
select count(*) as total, sum(salary) as payroll, group_concat(distinct dept) as depts,
       strftime('%Y-%m', max(hired)) as latest, julianday('2024-03-01') - julianday('2024-02-01') as feb_days from emp;
.mode list
.headers off
with recursive fib(a, b, k) as (select 0, 1, 0 union all select b, a + b, k + 1 from fib where k < 80)
select k, a from fib where k % 20 = 0;
select 7 / 2, 7 / 2.0, 7 % 3, -7 % 3, 1e308 * 10, cast('12abc' as integer), round(2.5), round(-2.5), abs(-9223372036854775807);
select length(randomblob(16)), quote(x'00ff'), replace('a-b-c', '-', '+'), instr('hello', 'll'), trim('  x  '), printf('%08.3f|%-5s|%x', 3.14159, 'ab', 255);
create index emp_salary on emp(salary);
explain query plan select * from emp where salary > 1400;
begin;
update emp set salary = salary * 1.1 where dept = 2;
delete from emp where id > 55;
commit;
select count(*), round(sum(salary), 2) from emp;
select * from emp where name = 'nobody';
select 'done';
