// itcost serve: makes the figures of the pool and benchmark tables links to the keys and lines behind them.
(function () {
  function link(td, params) {
    var a = document.createElement('a');
    a.href = 'drill?' + Object.keys(params).map(function (k) { return k + '=' + encodeURIComponent(params[k]); }).join('&');
    a.textContent = td.textContent;
    a.className = 'drill';
    td.textContent = '';
    td.appendChild(a);
  }
  function keys(table) {
    return Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.getAttribute('data-k'); });
  }
  var pools = document.getElementById('t-pools');
  if (pools) {
    var k = keys(pools);
    Array.prototype.forEach.call(pools.querySelectorAll('tbody tr'), function (tr) {
      var td = tr.children;
      var unit = td[k.indexOf('municipality')].getAttribute('data-v');
      var pool = td[k.indexOf('pool')].getAttribute('data-v');
      [['central', 'central'], ['outside', 'outside'], ['total', 'it']].forEach(function (p) {
        var i = k.indexOf(p[0]);
        if (i >= 0 && td[i].textContent.trim() !== '') { link(td[i], { unit: unit, pool: pool, part: p[1] }); }
      });
    });
  }
  var bench = document.getElementById('t-benchmark');
  if (bench) {
    var kb = keys(bench);
    Array.prototype.forEach.call(bench.querySelectorAll('tbody tr:not(.total)'), function (tr) {
      var td = tr.children;
      var unit = td[kb.indexOf('municipality')].getAttribute('data-v');
      var year = kb.indexOf('year') >= 0 ? td[kb.indexOf('year')].getAttribute('data-v') : '';
      var part = document.body.getAttribute('data-numerator') === 'it' ? 'it' : 'central';
      var i = kb.indexOf('it_cost');
      if (i >= 0) { link(td[i], { unit: unit, year: year, part: part }); }
      var d = kb.indexOf('denominator_value');
      if (d >= 0) { link(td[d], { unit: unit, year: year, part: 'den' }); }
    });
  }
})();
