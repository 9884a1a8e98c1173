// Every word a person reads on the screens, Vietnamese first. ?lang=en switches to English.
window.IocI18n = (() => {
  const text = {
    vi: {
      titleMain: 'Trung tâm Giám sát, Điều hành đô thị thông minh',
      province: 'Tỉnh',
      banner: 'Mất kết nối — đang kết nối lại…',
      mapTitle: 'Bản đồ thiết bị',
      tickerTitle: 'Sự cố đang mở',
      noIncidents: 'Không có sự cố đang mở',
      chartTraffic: 'Tốc độ trung bình (km/h)',
      chartEnvironment: 'PM2.5 trung bình (µg/m³)',
      chartConnectivity: 'Độ trễ mạng trung bình (ms)',
      kpiTraffic: 'Giao thông trực tuyến',
      kpiEnvironment: 'Môi trường trực tuyến',
      kpiConnectivity: 'Kết nối trực tuyến',
      kpiIncidents: 'Sự cố đang mở',
      kpiAqi: 'VN_AQI cao nhất',
      kpiCongestion: 'Chỉ số ùn tắc',
      kpiAvailability: 'Khả dụng mạng',
      noAqi: 'chưa có số liệu giờ',
      ok: 'Bình thường', offline: 'Mất tín hiệu',
      severity: { critical: 'Nghiêm trọng', major: 'Cao', minor: 'Trung bình', warning: 'Cảnh báo' },
      state: { open: 'Mới', acknowledged: 'Đã xác nhận', resolved: 'Đã xử lý' },
      cleared: 'đã hết, chờ xác nhận',
      kind: {
        congestion: 'Ùn tắc giao thông', air_quality: 'Chất lượng không khí', connectivity_degraded: 'Suy giảm kết nối',
        device_offline: 'Thiết bị mất tín hiệu', sensor_fault: 'Lỗi cảm biến', anomaly: 'Bất thường', area_outage: 'Mất tín hiệu cả khu vực',
      },
    },
    en: {
      titleMain: 'Intelligent Operations Center',
      province: 'Province',
      banner: 'Connection lost — reconnecting…',
      mapTitle: 'Device map',
      tickerTitle: 'Open incidents',
      noIncidents: 'No open incidents',
      chartTraffic: 'Average speed (km/h)',
      chartEnvironment: 'Average PM2.5 (µg/m³)',
      chartConnectivity: 'Average network latency (ms)',
      kpiTraffic: 'Traffic online',
      kpiEnvironment: 'Environment online',
      kpiConnectivity: 'Connectivity online',
      kpiIncidents: 'Open incidents',
      kpiAqi: 'Worst VN_AQI',
      kpiCongestion: 'Congestion index',
      kpiAvailability: 'Network availability',
      noAqi: 'no hourly value yet',
      ok: 'Normal', offline: 'Offline',
      severity: { critical: 'Critical', major: 'Major', minor: 'Minor', warning: 'Warning' },
      state: { open: 'New', acknowledged: 'Acknowledged', resolved: 'Resolved' },
      cleared: 'cleared, awaiting acknowledgement',
      kind: {
        congestion: 'Traffic congestion', air_quality: 'Air quality', connectivity_degraded: 'Connectivity degraded',
        device_offline: 'Device offline', sensor_fault: 'Sensor fault', anomaly: 'Anomaly', area_outage: 'Area outage',
      },
    },
  };
  const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';
  document.documentElement.lang = lang;
  return { lang, t: text[lang], locale: lang === 'en' ? 'en-GB' : 'vi-VN' };
})();
