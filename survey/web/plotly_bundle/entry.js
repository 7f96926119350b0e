// plotly.js with only the trace types that reports/charts.py makes (scatter comes with core).
// tests/web/test_plotly_bundle.py keeps this list and the charts in step.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scatterpolar'),
]);
module.exports = Plotly;
